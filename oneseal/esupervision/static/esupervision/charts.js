// Draws every chart of an e-supervision page with the vendored ECharts. Each chart's data is a
// JSON script element (Django's json_script) named by the container's data-chart attribute:
// {title, categories, series: [{name, data, type?, axis?, color?, colors?, links?}],
//  horizontal?, target?}. `colors` colour each point (a warning in its own colour), `links`
// are the pages a click on each point opens (the cases behind it).
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = [];

  // Category labels wrap inside the width each category has instead of being cut.
  function labelWidth(box, spec) {
    if (spec.horizontal) { return box.clientWidth < 500 ? 96 : 150; }
    var each = Math.floor((box.clientWidth - 60) / Math.max(spec.categories.length, 1));
    return Math.max(36, each - 6);
  }

  var measure = document.createElement("canvas").getContext("2d");
  measure.font = "12px sans-serif";

  // A horizontal chart's category labels wrap to several lines on a narrow screen: the box grows
  // so that each category's band holds its label's lines, else neighbouring labels overlap.
  function fitHeight(box, spec) {
    if (!spec.horizontal) { return; }
    if (!box.hasAttribute("data-base-height")) {
      box.setAttribute("data-base-height", String(box.clientHeight));
    }
    var width = labelWidth(box, spec);
    var lines = spec.categories.reduce(function (most, c) {
      return Math.max(most, Math.ceil(measure.measureText(String(c)).width / width));
    }, 1);
    var legend = spec.series.length > 1 ? 36 : 8;
    var needed = 48 + legend + 24 + spec.categories.length * (lines * 14 + 10);
    box.style.height = Math.max(Number(box.getAttribute("data-base-height")), needed) + "px";
  }

  function options(box, spec) {
    var twoAxes = spec.series.some(function (s) { return s.axis === 1; });
    var showLegend = spec.series.length > 1;
    var categoryAxis = {
      type: "category", data: spec.categories,
      axisLabel: { interval: 0, width: labelWidth(box, spec), overflow: "break", lineHeight: 14, hideOverlap: false }
    };
    // Too narrow for the labels to wrap (twelve weeks on a phone): turn them instead.
    var turned = !spec.horizontal && labelWidth(box, spec) < 48;
    if (turned) {
      categoryAxis.axisLabel.rotate = 45;
      delete categoryAxis.axisLabel.width;
      categoryAxis.axisLabel.overflow = "none";
    }
    var valueAxes = [{ type: "value", minInterval: 1 }];
    if (twoAxes) { valueAxes.push({ type: "value", splitLine: { show: false } }); }
    var series = spec.series.map(function (s) {
      var data = s.colors ? s.data.map(function (v, i) {
        return { value: v, itemStyle: { color: s.colors[i] } };
      }) : s.data;
      var one = { name: s.name, type: s.type || "bar", data: data };
      if (s.color) { one.itemStyle = { color: s.color }; one.lineStyle = { color: s.color }; }
      if (one.type === "line") { one.symbolSize = 9; }
      if (spec.horizontal) { one.xAxisIndex = 0; } else { one.yAxisIndex = s.axis || 0; }
      if (one.type === "bar") {
        one.barMaxWidth = 40;
        // The figure on each bar, but not a row of zeros.
        one.label = { show: true, position: spec.horizontal ? "right" : "top",
                      formatter: function (p) { return p.value ? String(p.value) : ""; } };
      }
      return one;
    });
    if (spec.target !== undefined && series.length) {
      series[0].markLine = { symbol: "none", data: [{ yAxis: spec.target, name: spec.target + "%" }],
                             lineStyle: { color: "#b71c1c", type: "dashed" }, label: { formatter: spec.target + "%" } };
    }
    var option = {
      // The title on top, the legend at the bottom: they never overlap.
      title: { text: spec.title, left: 0, top: 0, textStyle: { fontSize: 14, width: box.clientWidth - 16, overflow: "break" } },
      // Drawn on the canvas: an HTML tooltip carries inline styles, which the CSP refuses.
      tooltip: { trigger: spec.horizontal ? "item" : "axis", renderMode: "richText" },
      legend: { show: showLegend, bottom: 0, type: "scroll" },
      // containLabel measures a turned label short by a few pixels, which cut the first one
      // at the box's left edge: a turned axis keeps a margin of its own.
      grid: { top: 48, left: turned ? 24 : 8, right: 24, bottom: showLegend ? 36 : 8, containLabel: true },
      series: series
    };
    if (spec.horizontal) {
      option.xAxis = valueAxes[0];
      categoryAxis.inverse = true;  // the first category on top, as in the table
      option.yAxis = categoryAxis;
    } else {
      option.xAxis = categoryAxis;
      option.yAxis = valueAxes;
    }
    return option;
  }

  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    fitHeight(box, spec);
    var chart = echarts.init(box);
    chart.setOption(options(box, spec));
    chart.on("click", function (params) {
      var s = spec.series[params.seriesIndex];
      var link = s && s.links ? s.links[params.dataIndex] : null;
      if (link) { window.location.assign(link); }
    });
    // Ready once drawn to the end of the opening animation: a bar is where its layout says.
    chart.on("finished", function () { box.setAttribute("data-ready", "1"); });
    charts.push({ chart: chart, box: box, spec: spec });
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) {
      fitHeight(c.box, c.spec);
      c.chart.setOption(options(c.box, c.spec), true);
      c.chart.resize();
    });
  });
})();
