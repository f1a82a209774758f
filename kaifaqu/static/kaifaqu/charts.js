/*
 * Charts of Kaifaqu pages, drawn with the vendored ECharts.
 *
 * A page puts its data in a <script type="application/json"> element (Django's json_script) and
 * marks the chart's container with data-kfq-chart="<id of that element>". The data reads:
 *   {"horizontal": false,
 *    "categories": ["线索", "洽谈", ...],
 *    "series": [{"name": "项目数", "values": [3, 1, ...], "integer": true},
 *               {"name": "总投资（亿元）", "values": ["4.50", ...], "decimals": 2, "axis": 1}]}
 * Values may be numbers or decimal strings (amounts arrive as strings so the server never uses
 * floats); they are converted here for drawing only, and labelled with the series' "decimals".
 * A series with "axis": 1 gets its own scale; "unit" (optional) follows values in tooltips.
 */
(function () {
  "use strict";

  var PALETTE = ["#206bc4", "#f2a93b", "#2fb344", "#ae3ec9", "#d63939", "#17a2b8"];
  var charts = [];

  function readData(id) {
    var holder = document.getElementById(id);
    if (!holder) {
      return null;
    }
    try {
      return JSON.parse(holder.textContent);
    } catch (error) {
      return null;
    }
  }

  function formatter(series) {
    var decimals = series.decimals || 0;
    return function (value) {
      if (value === null || value === undefined || value === "" || isNaN(value)) {
        return "—";
      }
      var text = Number(value).toFixed(decimals);
      return series.unit ? text + " " + series.unit : text;
    };
  }

  function longestLabel(categories) {
    return (categories || []).reduce(function (longest, label) {
      return Math.max(longest, String(label).length);
    }, 0);
  }

  function valueAxis(series, index) {
    var own = series.filter(function (s) { return (s.axis || 0) === index; });
    var unit = own.length ? own[0].unit || "" : "";
    return {
      type: "value",
      name: unit,
      minInterval: own.every(function (s) { return s.integer; }) ? 1 : 0,
      splitLine: { show: index === 0, lineStyle: { color: "#e6e7e9" } },
      axisLabel: { color: "#667382" },
      nameTextStyle: { color: "#667382" }
    };
  }

  function optionFor(data) {
    var series = data.series || [];
    var twoAxes = series.some(function (s) { return (s.axis || 0) === 1; });
    // Short (Chinese) stage names fit upright; longer ones are slanted rather than broken.
    var slanted = !data.horizontal && longestLabel(data.categories) > 8;
    var categoryAxis = {
      type: "category",
      data: data.categories,
      inverse: Boolean(data.horizontal),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: "#c8ced6" } },
      axisLabel: data.horizontal
        ? { color: "#1d273b", width: 140, overflow: "truncate" }
        : slanted
          ? { color: "#1d273b", interval: 0, rotate: 35 }
          : { color: "#1d273b", interval: 0 }
    };
    var valueAxes = [valueAxis(series, 0)];
    if (twoAxes) {
      valueAxes.push(valueAxis(series, 1));
    }
    return {
      color: PALETTE,
      aria: { enabled: true },
      animationDuration: 400,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, renderMode: "richText" },
      legend: series.length > 1 ? { top: 0, icon: "roundRect", itemWidth: 12, itemHeight: 12 } : undefined,
      grid: { left: 8, right: data.horizontal ? 36 : 16, top: series.length > 1 ? 40 : 24, bottom: 8, containLabel: true },
      xAxis: data.horizontal ? valueAxes : categoryAxis,
      yAxis: data.horizontal ? categoryAxis : valueAxes,
      series: series.map(function (s) {
        var barSeries = {
          type: s.kind || "bar",
          name: s.name,
          data: (s.values || []).map(function (v) { return v === null ? null : Number(v); }),
          barMaxWidth: 28,
          itemStyle: { borderRadius: data.horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] },
          label: {
            show: true,
            position: data.horizontal ? "right" : "top",
            color: "#49566c",
            fontSize: 11,
            // Empty stages stay quiet: no "0" over every missing bar.
            formatter: function (params) {
              return Number(params.value) === 0 ? "" : formatter(s)(params.value);
            }
          },
          tooltip: { valueFormatter: formatter(s) }
        };
        if (data.horizontal) {
          barSeries.xAxisIndex = s.axis || 0;
        } else {
          barSeries.yAxisIndex = s.axis || 0;
        }
        return barSeries;
      })
    };
  }

  function draw(root) {
    if (typeof window.echarts === "undefined") {
      return;
    }
    var locale = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
    root.querySelectorAll("[data-kfq-chart]").forEach(function (element) {
      var data = readData(element.getAttribute("data-kfq-chart"));
      if (!data) {
        return;
      }
      var existing = window.echarts.getInstanceByDom(element);
      if (existing) {
        existing.dispose();
      }
      var chart = window.echarts.init(element, null, { renderer: "svg", locale: locale });
      chart.setOption(optionFor(data));
      charts.push(chart);
    });
  }

  window.addEventListener("resize", function () {
    charts = charts.filter(function (chart) { return !chart.isDisposed(); });
    charts.forEach(function (chart) { chart.resize(); });
  });

  if (window.htmx) {
    // Runs for the page on load and again for every fragment htmx swaps in.
    window.htmx.onLoad(draw);
  } else {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  }
})();
