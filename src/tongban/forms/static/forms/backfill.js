// The backfill-rate page (回填率): draw the line chart from the page's json_script data with ECharts.
// The same figures are in the table under the chart; this only adds the picture.
(() => {
  const box = document.getElementById("backfill-chart");
  const source = document.getElementById("backfill-data");
  if (!box || !source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const style = getComputedStyle(document.body);
  const size = parseFloat(style.fontSize) || 16;
  const percent = (value) => (value === null || value === undefined ? data.noData : `${value.toFixed(1)}%`);
  const chart = window.echarts.init(box, null, { renderer: "canvas" });
  chart.setOption({
    // Government blue first; the others stay apart for common colour-vision deficiencies.
    color: ["#0b4ea2", "#c0561b", "#146c2e", "#7b3fa0", "#8a5300", "#0f7c8c", "#b3261e", "#545b66"],
    textStyle: { fontFamily: style.fontFamily, fontSize: Math.round(size * 0.85), color: "#1f2329" },
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: percent, textStyle: { fontSize: Math.round(size * 0.85) } },
    legend: { show: data.series.length > 1, type: "scroll", top: 0, textStyle: { fontSize: Math.round(size * 0.85) } },
    grid: { left: 16, right: 24, top: data.series.length > 1 ? 56 : 32, bottom: 16, containLabel: true },
    xAxis: {
      type: "category",
      data: data.categories,
      boundaryGap: data.categories.length < 3,
      axisLabel: { hideOverlap: true, color: "#1f2329", fontSize: Math.round(size * 0.8) },
      axisLine: { lineStyle: { color: "#545b66" } },
    },
    yAxis: {
      type: "value",
      min: 0,
      max: 100,
      name: data.yName,
      nameTextStyle: { align: "left", color: "#1f2329", fontSize: Math.round(size * 0.8) },
      axisLabel: { formatter: "{value}%", color: "#1f2329", fontSize: Math.round(size * 0.8) },
      splitLine: { lineStyle: { color: "#dfe3e9" } },
    },
    series: data.series.map((s) => ({
      name: s.name,
      type: "line",
      data: s.data,
      connectNulls: false,
      symbol: "circle",
      symbolSize: 7,
      lineStyle: { width: 2.5 },
    })),
  });
  window.addEventListener("resize", () => chart.resize());
})();
