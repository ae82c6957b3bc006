// The window desk: add rows for a group visit, take a candidate as the person or the case, and
// register with Ctrl+Enter. Events are delegated because htmx replaces the candidate list.
(function () {
  "use strict";
  const form = document.getElementById("visit-form");
  if (!form) return;
  const people = document.getElementById("people");
  const total = form.querySelector("[name=people-TOTAL_FORMS]");
  const template = document.getElementById("person-template");

  document.getElementById("add-person").addEventListener("click", function () {
    const index = parseInt(total.value, 10);
    const html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    people.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const row = people.lastElementChild;
    htmx.process(row);
    const name = row.querySelector("[name$=-name]");
    if (name) name.focus();
  });

  function currentRow() {
    const active = document.activeElement && document.activeElement.closest(".person-row");
    return active || people.querySelector(".person-row:last-child");
  }

  // A known petitioner's row: her name as on record, her details on her own page. Locked again
  // when the page comes back with an error, or the row would look like a new person while still
  // registering the one chosen.
  function lockChosen(row) {
    const name = row.querySelector("[name$=-name]");
    row.querySelectorAll("input:not([type=hidden]):not([type=checkbox]), select").forEach(function (input) {
      if (input !== name) input.disabled = true;
    });
    name.readOnly = true;
    if (!row.querySelector(".unchoose")) {
      const undo = document.createElement("button");
      undo.type = "button";
      undo.className = "btn btn-sm btn-link unchoose";
      undo.textContent = people.dataset.unchooseLabel;
      name.insertAdjacentElement("afterend", undo);
    }
  }

  // A candidate taken by mistake: the row is a new person again, to be typed in.
  people.addEventListener("click", function (event) {
    const undo = event.target.closest(".unchoose");
    if (!undo) return;
    const row = undo.closest(".person-row");
    row.querySelector("[name$=-petitioner]").value = "";
    row.querySelectorAll("input, select").forEach(function (input) {
      input.disabled = false;
    });
    const name = row.querySelector("[name$=-name]");
    name.readOnly = false;
    name.value = "";
    undo.remove();
    name.focus();
  });
  people.querySelectorAll(".person-row").forEach(function (row) {
    if (row.querySelector("[name$=-petitioner]").value) lockChosen(row);
  });
  // A fresh desk starts at the first person's name (forms.js puts a refused one at its error).
  if (!form.querySelector("[aria-invalid=true]")) people.querySelector("[name$=-name]").focus();

  let lastRow = people.querySelector(".person-row");
  people.addEventListener("focusin", function (event) {
    lastRow = event.target.closest(".person-row") || lastRow;
  });

  const caseFields = document.getElementById("case-fields");
  const announcement = document.getElementById("repeat-announcement");

  function setRepeat(caseId, number) {
    form.querySelector("[name=repeat_of]").value = caseId || "";
    document.getElementById("repeat-number").textContent = number || "";
    document.getElementById("repeat-banner").classList.toggle("d-none", !caseId);
    caseFields.disabled = Boolean(caseId);
    caseFields.hidden = Boolean(caseId);
    // Told once the page has changed, in a live region that was rendered all along (the banner,
    // shown only now, is silent).
    announcement.textContent = caseId
      ? announcement.dataset.linked.replace("__number__", number)
      : announcement.dataset.unlinked;
  }

  document.getElementById("candidates").addEventListener("click", function (event) {
    const card = event.target.closest(".candidate");
    if (card && event.target.closest(".choose-person")) {
      const row = lastRow || currentRow();
      row.querySelector("[name$=-petitioner]").value = card.dataset.petitioner;
      row.querySelector("[name$=-name]").value = card.dataset.name;
      lockChosen(row);
      // Back to the row just filled in, not left in the panel after the whole form.
      row.querySelector("[name$=-name]").focus();
    }
    const link = event.target.closest(".link-case");
    if (link) {
      // A person's case takes the person too; a case found by its organisation, only the case.
      const row = lastRow || currentRow();
      if (card && !row.querySelector("[name$=-petitioner]").value) {
        card.querySelector(".choose-person").click();
      }
      setRepeat(link.dataset.case, link.dataset.number);
      if (!card) {
        // The people who came about it are still to be named: back to the row, as a person's
        // card does, not left in the panel after the whole form.
        row.querySelector("[name$=-name]").focus();
      }
    }
  });

  document.getElementById("repeat-cancel").addEventListener("click", function () {
    setRepeat("", "");
    // The button pressed went with the banner, and the keyboard with it to the top of the page:
    // the matter, shown again, is what is to be typed next.
    caseFields.querySelector("input:not([type=hidden]), textarea, select").focus();
  });

  // From the form, or from the look-up panel beside it after taking a candidate.
  const candidates = document.getElementById("candidates");
  document.addEventListener("keydown", function (event) {
    if (!form.contains(event.target) && !candidates.contains(event.target)) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
