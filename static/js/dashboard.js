// The dashboard's charts. The figures come from the page (json_script "dashboard-charts"), the same
// as the tables beside them. ECharts draws SVG rather than canvas so that a printout is as sharp
// as the screen, and without animation so that a chart is complete the moment it is printed.
(function () {
  "use strict";
  const source = document.getElementById("dashboard-charts");
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  if (!source || !window.echarts) return;
  const specs = JSON.parse(source.textContent);

  function show(value, percent) {
    if (value === null || value === undefined) return "—";
    return percent ? value + "%" : String(value);
  }

  // Horizontal bars grow with their rows, so that long department and place names stay legible.
  function height(spec) {
    if (spec.type !== "hbar") return null;
    const perRow = spec.stack ? 26 : Math.max(26, spec.series.length * 12 + 10);
    return Math.max(140, spec.categories.length * perRow + 40);
  }

  function pieOption(spec) {
    const series = spec.series[0];
    return {
      tooltip: { trigger: "item" },
      series: [{
        type: "pie",
        name: series.name,
        radius: ["35%", "65%"],
        data: spec.categories.map(function (name, i) { return { name: name, value: series.data[i] }; }),
        label: { formatter: "{b}: {c}" },
      }],
    };
  }

  // ECharts wraps a long legend onto more lines without making room for them: reserve the room,
  // estimating a Chinese character at 12 px, any other at 7 px, and 30 px for each colour key.
  function legendHeight(spec, width) {
    if (spec.series.length < 2) return 0;
    let lines = 1;
    let used = 0;
    spec.series.forEach(function (series) {
      const wide = (series.name.match(/[^\x00-\xff]/g) || []).length;
      const item = 30 + wide * 12 + (series.name.length - wide) * 7;
      if (used && used + item > width) { lines += 1; used = 0; }
      used += item;
    });
    return lines * 22;
  }

  function barOption(spec, width) {
    const percent = Boolean(spec.percent);
    const horizontal = spec.type === "hbar";
    const legend = legendHeight(spec, width);
    const values = {
      type: "value",
      minInterval: 1,
      max: percent ? 100 : null,
      axisLabel: { formatter: percent ? "{value}%" : "{value}" },
    };
    const names = { type: "category", data: spec.categories, inverse: horizontal, axisLabel: { interval: 0 } };
    return {
      legend: legend ? { top: 0 } : undefined,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (value) { return show(value, percent); } },
      grid: { left: 8, right: 40, top: legend + 14, bottom: 8 },
      xAxis: horizontal ? values : names,
      yAxis: horizontal ? names : values,
      series: spec.series.map(function (series) {
        return {
          type: "bar",
          name: series.name,
          data: series.data,
          stack: spec.stack ? "all" : undefined,
          itemStyle: series.color ? { color: series.color } : undefined,
          barMaxWidth: 24,
          label: {
            show: true,
            position: spec.stack ? "inside" : horizontal ? "right" : "top",
            formatter: function (item) { return spec.stack && !item.value ? "" : show(item.value, percent); },
          },
        };
      }),
    };
  }

  // Sized from the container's width each time: the legend's lines and the bars' height follow it.
  function draw(element, spec, chart) {
    const bars = height(spec);
    if (bars) element.style.height = bars + legendHeight(spec, element.clientWidth) + "px";
    chart.resize();
    const option = spec.type === "pie" ? pieOption(spec) : barOption(spec, element.clientWidth);
    chart.setOption(Object.assign({ animation: false }, option));
  }

  const charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    const spec = specs[element.dataset.chart];
    if (!spec) return;
    const chart = echarts.init(element, null, { renderer: "svg" });
    charts.push({ element: element, spec: spec, chart: chart });
    draw(element, spec, chart);
  });

  function redraw() { charts.forEach(function (item) { draw(item.element, item.spec, item.chart); }); }
  window.addEventListener("resize", redraw);
  // Printing from the dashboard itself lays the page out anew: redraw at the paper's width.
  window.matchMedia("print").addEventListener("change", redraw);
})();
