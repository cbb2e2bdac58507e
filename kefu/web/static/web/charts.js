/* Charts drawn with ECharts from data the page carries in a JSON script element
   (Django's json_script): <div data-chart="KIND" data-chart-data="ELEMENT-ID">. */
(function () {
  "use strict";

  var kinds = {
    // The dashboard's last 30 days: one line per series.
    lines: function (data) {
      return {
        tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 40, right: 20, top: 40, bottom: 30},
        xAxis: {type: "category", data: data.days}, yAxis: {type: "value", minInterval: 1},
        series: data.series.map(function (s) { return {name: s.name, type: "line", smooth: true, data: s.data}; })
      };
    },
    // A report's trend: calls as bars, the service level as a line on a percent axis.
    "bars-and-rate": function (data) {
      var series = data.bars.map(function (s) { return {name: s.name, type: "bar", data: s.data, barMaxWidth: 18}; });
      series.push({name: data.line.name, type: "line", yAxisIndex: 1, data: data.line.data, symbolSize: 4,
                   tooltip: {valueFormatter: function (v) { return v == null ? "—" : v + "%"; }}});
      return {
        color: ["#0b5394", "#2da44e", "#cf222e", "#d29922"],
        tooltip: {trigger: "axis"}, legend: {top: 0},
        grid: {left: 50, right: 50, top: 40, bottom: 30},
        xAxis: {type: "category", data: data.labels},
        yAxis: [{type: "value", minInterval: 1},
                {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}, splitLine: {show: false}}],
        series: series
      };
    }
  };

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var option = kinds[element.dataset.chart];
    var source = document.getElementById(element.dataset.chartData);
    if (!option || !source) { return; }
    var chart = echarts.init(element);
    var settings = option(JSON.parse(source.textContent));
    // The tooltip is drawn on the canvas: ECharts' HTML tooltip carries style attributes,
    // which the Content-Security-Policy refuses.
    settings.tooltip.renderMode = "richText";
    chart.setOption(settings);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
