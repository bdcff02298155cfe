// Draws every chart of an e-supervision page with the vendored ECharts. Each chart's data is a
// JSON script element (Django's json_script) named by the container's data-chart attribute:
// {title, categories, series: [{name, data, type?, axis?}], horizontal?, target?}.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var twoAxes = spec.series.some(function (s) { return s.axis === 1; });
    var categoryAxis = { type: "category", data: spec.categories, axisLabel: { interval: 0, width: 90, overflow: "truncate" } };
    var valueAxes = [{ type: "value", minInterval: 1 }];
    if (twoAxes) { valueAxes.push({ type: "value", splitLine: { show: false } }); }
    var series = spec.series.map(function (s) {
      var one = { name: s.name, type: s.type || "bar", data: s.data, yAxisIndex: spec.horizontal ? undefined : (s.axis || 0) };
      if (spec.horizontal) { one.xAxisIndex = 0; }
      return one;
    });
    if (spec.target !== undefined && series.length) {
      series[0].markLine = { symbol: "none", data: [{ yAxis: spec.target, name: spec.target + "%" }],
                             lineStyle: { color: "#b71c1c", type: "dashed" }, label: { formatter: spec.target + "%" } };
    }
    var option = {
      title: { text: spec.title, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 24, type: "scroll" },
      grid: { top: 64, left: 8, right: 8, bottom: 8, containLabel: true },
      series: series
    };
    if (spec.horizontal) {
      option.xAxis = valueAxes[0];
      option.yAxis = { type: "category", data: spec.categories, axisLabel: { width: 140, overflow: "truncate" } };
      option.legend = { show: false };
      option.grid.top = 36;
    } else {
      option.xAxis = categoryAxis;
      option.yAxis = valueAxes;
      if (spec.categories.length > 6) { categoryAxis.axisLabel.rotate = 30; }
    }
    var chart = echarts.init(box, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
