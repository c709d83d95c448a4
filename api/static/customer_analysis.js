// The customer analysis charts (Apache ECharts, vendored): data from the page's JSON endpoint
// (data-src), words from data- attributes; no inline script (the CSP forbids it).
(function () {
  "use strict";
  function start() {
    var root = document.getElementById("analysis");
    if (!root || typeof echarts === "undefined") { return; }
    var zh = root.dataset.lang === "zh-CN";
    fetch(root.dataset.src, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        data.dimensions.forEach(function (dim) {
          var box = document.getElementById("chart-" + dim.name);
          if (!box) { return; }
          var items = dim.buckets.map(function (b) { return { name: zh ? b.label_zh : b.label_en, value: b.count }; });
          if (dim.hidden) { items.push({ name: root.dataset.hidden, value: dim.hidden }); }
          var chart = echarts.init(box);
          var bar = dim.name === "month" || dim.name === "industry" || dim.name === "region" || dim.name === "doc_type";
          chart.setOption(bar ? {
            tooltip: { trigger: "axis" },
            xAxis: { type: "category", data: items.map(function (i) { return i.name; }), axisLabel: { interval: 0, rotate: 30 } },
            yAxis: { type: "value", name: root.dataset.count },
            series: [{ type: "bar", data: items.map(function (i) { return i.value; }) }]
          } : {
            tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
            legend: { bottom: 0 },
            series: [{ type: "pie", radius: ["35%", "65%"], data: items }]
          });
          box.dataset.ready = "1";
        });
        root.dataset.ready = "1";
      })
      .catch(function () { root.dataset.ready = "failed"; });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
