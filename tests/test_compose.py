"""docker-compose.yml and the Dockerfile, checked offline (no Docker engine runs here).

The compose file is validated against the compose-spec schema bundled with check-jsonschema, and
what it names is checked against the code: the settings modules, the WSGI application, the Celery
app, the environment variables the settings read, the health check's URL.
"""

import ast
import fnmatch
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.urls import resolve

from petition_desk import health

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SETTINGS_FILES = [ROOT / "petition_desk" / "settings" / name for name in ("base.py", "production.py")]
DJANGO_SERVICES = ("migrate", "web", "worker", "letters", "beat")
# Read by manage.py, wsgi.py and celery.py rather than by the settings.
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}
INTERPOLATION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _check_jsonschema(path: Path) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).with_name("check-jsonschema")
    assert executable.exists(), "check-jsonschema is in requirements/dev.txt: run `make venv`"
    return subprocess.run(
        [str(executable), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings_env_reads() -> dict[str, bool]:
    """Every NAME the settings read with env("NAME", ...) / env.<type>("NAME", ...): has a default?"""
    reads: dict[str, bool] = {}
    for path in SETTINGS_FILES:
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            is_env = (isinstance(func, ast.Name) and func.id == "env") or (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "env"
            )
            first = node.args[0]
            if is_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
                has_default = any(keyword.arg == "default" for keyword in node.keywords)
                reads[first.value] = reads.get(first.value, False) or has_default
    return reads


def _interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, as `docker compose config` does."""

    def substitute(match: re.Match) -> str:
        name, operator, argument = match.groups()
        if variables.get(name):
            return variables[name]
        if operator in (":-", "-"):
            return argument
        if operator in (":?", "?"):
            raise KeyError(f"{name}: {argument}")
        return ""

    return INTERPOLATION.sub(substitute, value)


def _env_example() -> dict[str, str]:
    """The variables .env.example names, commented-out optional ones included."""
    names = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z_][A-Z0-9_]*)=(.*)$", line)
        if match:
            names[match[1]] = match[2]
    return names


def _container_env(services: dict, service: str, variables: dict[str, str]) -> dict[str, str]:
    """The environment a container of `service` gets, with .env holding `variables`."""
    env = {}
    for name, value in services[service]["environment"].items():
        if value is None:  # passed on from .env only when set there
            if name in variables:
                env[name] = variables[name]
        else:
            env[name] = _interpolate(str(value), variables)
    return env


# Stand-ins for what .env holds on a server: shaped like the real values.
DEPLOY_ENV = {
    "DJANGO_ALLOWED_HOSTS": "xinfang.example.gov.cn",
    "DJANGO_SECRET_KEY": "k3J9-placeholder-secret-for-the-compose-tests-0123456789abcdef",
    "POSTGRES_PASSWORD": "0123456789abcdef",
    "FIELD_ENCRYPTION_KEYS": "Y29sbGVjdHN0YXRpYy1vbmx5LWtleS0zMi1ieXRlcyE=",
    "ID_NUMBER_HASH_KEY": "placeholder-id-number-hash-key-0123456789",
}


def test_compose_file_is_valid_against_the_compose_spec():
    result = _check_jsonschema(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_does_reject_a_broken_file(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE.read_text().replace("service_healthy", "service_happy", 1))
    assert _check_jsonschema(broken).returncode != 0


def test_services_and_images(services):
    assert set(services) == {"postgres", "redis", *DJANGO_SERVICES}
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    # Every long-running service has a health check; only the one-shot migrate has none.
    for name, service in services.items():
        if name == "migrate":
            assert service["restart"] == "no"
            continue
        assert service["healthcheck"]["test"], name
        assert not service["healthcheck"].get("disable"), name


def test_django_services_share_one_block(compose, services):
    shared = compose["x-django"]
    for name in DJANGO_SERVICES:
        service = services[name]
        assert service["build"] == shared["build"] == "."
        assert service["image"] == shared["image"]
        assert service["environment"] == shared["environment"], name
        assert service["volumes"] == shared["volumes"], name
    assert shared["environment"]["DJANGO_SETTINGS_MODULE"] == "petition_desk.settings.production"


def test_start_order_waits_for_healthy_services_and_the_migration(services):
    for name in ("web", "worker", "letters", "beat"):
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }, name
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert (ROOT / "manage.py").exists()


def test_commands_name_what_exists(services):
    web = services["web"]["command"]
    assert web[:2] == ["gunicorn", "petition_desk.wsgi:application"]
    wsgi = ast.parse((ROOT / "petition_desk" / "wsgi.py").read_text())
    assert any(
        isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "application" for t in node.targets)
        for node in wsgi.body
    )
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[:4] == ["celery", "-A", "petition_desk", name]
    assert services["letters"]["command"][:4] == ["celery", "-A", "petition_desk", "worker"]
    import petition_desk

    assert petition_desk.celery_app.main == "petition_desk"

    # The image installs what those commands run.
    dockerfile = DOCKERFILE.read_text()
    assert "pip install -r requirements/base.txt" in dockerfile
    pinned = (ROOT / "requirements" / "base.txt").read_text()
    for package in ("gunicorn", "celery", "psycopg", "redis", "django"):
        assert re.search(rf"^{package}==", pinned, re.MULTILINE | re.IGNORECASE), package


def test_web_health_check_asks_healthz_on_the_port_gunicorn_binds(services):
    web = services["web"]
    assert "--bind=0.0.0.0:8000" in web["command"]
    check = " ".join(web["healthcheck"]["test"])
    assert "http://localhost:8000/healthz" in check
    assert resolve("/healthz").func is health.healthz
    # The check asks for Host: localhost, which production's ALLOWED_HOSTS must let in.
    env = _container_env(services, "web", DEPLOY_ENV)
    assert "localhost" in env["DJANGO_ALLOWED_HOSTS"].split(",")
    assert web["ports"] == ["${WEB_BIND:-127.0.0.1}:${WEB_PORT:-8000}:8000"]


def test_compose_sets_exactly_variables_the_settings_read(compose):
    reads = _settings_env_reads()
    environment = compose["x-django"]["environment"]
    unknown = set(environment) - set(reads) - NOT_SETTINGS
    assert not unknown, f"compose sets variables no setting reads: {sorted(unknown)}"
    required = {name for name, has_default in reads.items() if not has_default}
    missing = required - set(environment)
    assert not missing, f"settings require variables compose does not set: {sorted(missing)}"
    # Compose stops with a message instead of starting with a secret left empty.
    for name in ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "ID_NUMBER_HASH_KEY"):
        assert f"${{{name}:?" in environment[name], name


# Read by the settings and deliberately not passed on by compose.
NOT_PASSED_ON = {
    "CELERY_DATA_DIR": "the embedded broker's folders, for make run",
    "DB_STATEMENT_TIMEOUT": "it would cancel migrations and tasks; gunicorn.conf.py gives the web its own",
    "DEMO_MODE": "demo users with a published password",
    "DJANGO_DEBUG": "production turns it off whatever the environment says",
    "MEDIA_ROOT": "the image's volume path",
}


def test_compose_passes_on_every_setting_an_administrator_may_set(compose):
    # An administrator who sets DJANGO_SECURE_HSTS_SECONDS in .env must see it take effect: compose
    # hands a container only the variables its environment names.
    passed = set(compose["x-django"]["environment"])
    not_passed = set(_settings_env_reads()) - passed - set(NOT_PASSED_ON)
    assert not not_passed, f"settings read variables compose never passes on: {sorted(not_passed)}"


def test_env_example_lists_what_compose_asks_for(compose):
    text = COMPOSE.read_text()
    asked = {match[0] for match in INTERPOLATION.findall(text)}
    passed_on = {name for name, value in compose["x-django"]["environment"].items() if value is None}
    example = _env_example()
    assert set(example) == asked | passed_on
    required = {match[0] for match in INTERPOLATION.findall(text) if match[1] == ":?"}
    uncommented = {
        match[1]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if (match := re.match(r"^([A-Z_][A-Z0-9_]*)=", line))
    }
    assert required <= uncommented


def _run_manage(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def test_production_settings_pass_the_deploy_checks_with_the_compose_environment(services):
    env = _container_env(services, "web", DEPLOY_ENV)
    assert env["DATABASE_URL"] == "postgres://petition_desk:0123456789abcdef@postgres:5432/petition_desk"

    result = _run_manage(["check", "--deploy", "--fail-level", "ERROR"], env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_collectstatic_works_with_its_throwaway_environment(tmp_path):
    """The Dockerfile runs collectstatic with placeholder secrets and production's manifest storage."""
    run = re.search(
        r"RUN ((?:[A-Z_]+=\S+\s*\\\s*)+)python manage.py collectstatic --noinput", DOCKERFILE.read_text()
    )
    assert run, "the Dockerfile's collectstatic step"
    env = dict(re.findall(r"([A-Z_]+)=(\S+)", run[1]))
    assert set(env) >= {name for name, has_default in _settings_env_reads().items() if not has_default}
    (tmp_path / "collect_settings.py").write_text(
        "from petition_desk.settings.production import *  # noqa\n"
        f"STATIC_ROOT = {str(tmp_path / 'static')!r}\n"
    )
    env.update(DJANGO_SETTINGS_MODULE="collect_settings", PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")

    result = _run_manage(["collectstatic", "--noinput"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_dockerignore_keeps_out_local_state_but_not_the_code():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(name: str) -> bool:
        return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)

    for name in (".git", ".venv", ".env", "db.sqlite3", "var", "staticfiles"):
        assert ignored(name), name
    for name in (
        "manage.py",
        "gunicorn.conf.py",
        "petition_desk",
        "requirements",
        "static",
        "templates",
        "locale",
    ):
        assert not ignored(name), name


def _queues(command: list[str]) -> set[str]:
    return set(command[command.index("-Q") + 1].split(","))


def test_the_workers_consume_every_queue_tasks_are_routed_to(services, settings):
    """A task routed to a queue no worker reads would wait for ever: the notification emails
    and the letters have queues of their own, the letters a worker of their own."""
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {"celery"}
    procfile = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile.dev").read_text().splitlines() if ": " in line
    )
    for workers in (
        {name: services[name]["command"] for name in ("worker", "letters")},
        {name: procfile[name].split() for name in ("worker", "letters")},
    ):
        assert _queues(workers["worker"]) | _queues(workers["letters"]) == routed
        assert _queues(workers["letters"]) == {"documents"}
        assert "documents" not in _queues(workers["worker"])
    # Letters take a sixth of a second of CPU each: a lower CPU weight than forwarding's (1024).
    assert services["letters"]["cpu_shares"] < 1024
    assert "cpu_shares" not in services["worker"]
