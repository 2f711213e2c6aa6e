/* jixiao review workbench: small behaviours on top of htmx (no inline scripts: CSP). */
(function () {
  "use strict";

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    if (t.closest(".js-close")) {
      var alert = t.closest(".alert");
      if (alert) alert.remove();
    } else if (t.closest(".js-reload")) {
      window.location.reload();
    }
  });

  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t instanceof HTMLSelectElement && t.classList.contains("js-autosubmit") && t.form) {
      t.form.submit();
    }
    if (t instanceof HTMLInputElement && t.id === "files") {
      listChosen(t);
    }
  });

  // Escape leaves a cell editor without saving.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var form = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest(".cell-edit") : null;
    if (form) {
      var cancel = form.querySelector("button[type=button]");
      if (cancel) cancel.click();
    }
  });

  // Confirmations fade away by themselves; errors stay until closed.
  function autoClose() {
    document.querySelectorAll("#flash .alert-ok").forEach(function (el) {
      if (el.dataset.timer) return;
      el.dataset.timer = "1";
      setTimeout(function () { el.remove(); }, 5000);
    });
  }
  document.addEventListener("htmx:afterSettle", autoClose);
  document.addEventListener("DOMContentLoaded", autoClose);

  // ---- Upload: chosen files and progress ---------------------------------
  function size(n) {
    if (n >= 1048576) return (n / 1048576).toFixed(1) + " MB";
    if (n >= 1024) return Math.round(n / 1024) + " KB";
    return n + " B";
  }

  function listChosen(input) {
    var ul = document.getElementById("chosen");
    if (!ul) return;
    ul.textContent = "";
    Array.prototype.forEach.call(input.files || [], function (f) {
      var li = document.createElement("li");
      li.textContent = f.name + "（" + size(f.size) + "）";
      ul.appendChild(li);
    });
  }

  document.addEventListener("htmx:beforeRequest", function (e) {
    if (e.target && e.target.id === "upload-form") {
      var p = document.getElementById("upload-progress");
      if (p) { p.hidden = false; p.value = 0; }
    }
  });
  document.addEventListener("htmx:xhr:progress", function (e) {
    var p = document.getElementById("upload-progress");
    if (p && e.detail && e.detail.lengthComputable) {
      p.value = Math.round((e.detail.loaded / e.detail.total) * 100);
    }
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.target && e.target.id === "upload-form") {
      var p = document.getElementById("upload-progress");
      if (p) { p.value = 100; p.hidden = true; }
      if (e.detail && e.detail.successful) {
        e.target.reset();
        var ul = document.getElementById("chosen");
        if (ul) ul.textContent = "";
      }
    }
  });

  // Drag and drop onto the upload area.
  document.addEventListener("dragover", function (e) {
    var drop = e.target instanceof Element ? e.target.closest(".drop") : null;
    if (drop) { e.preventDefault(); drop.classList.add("over"); }
  });
  document.addEventListener("dragleave", function (e) {
    var drop = e.target instanceof Element ? e.target.closest(".drop") : null;
    if (drop) drop.classList.remove("over");
  });
  document.addEventListener("drop", function (e) {
    var drop = e.target instanceof Element ? e.target.closest(".drop") : null;
    if (!drop || !e.dataTransfer) return;
    e.preventDefault();
    drop.classList.remove("over");
    var input = drop.querySelector("input[type=file]");
    if (input) { input.files = e.dataTransfer.files; listChosen(input); }
  });

  // ---- Dashboard charts (Chart.js, vendored) --------------------------------
  var GRADE_COLORS = { "优": "#15803d", "良": "#2563eb", "中": "#d97706", "差": "#dc2626", "none": "#94a3b8" };
  var PALETTE = ["#2563eb", "#0d9488", "#d97706", "#7c3aed", "#dc2626", "#0891b2", "#65a30d", "#db2777"];

  function charts() {
    var el = document.getElementById("dash-data");
    if (!el || typeof window.Chart === "undefined") return;
    var d = JSON.parse(el.textContent || "{}");
    var Chart = window.Chart;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.font.size = 12;
    Chart.defaults.color = "#334155";
    Chart.defaults.maintainAspectRatio = false;

    function open(points) {
      return function (evt, elements, chart) {
        if (!elements.length) return;
        var p = chart.data.datasets[elements[0].datasetIndex].data[elements[0].index];
        if (p && p.id) window.location.href = "/tables/" + p.id;
      };
    }

    // Grade distribution: recomputed vs printed.
    var grades = ["优", "良", "中", "差"];
    new Chart(document.getElementById("chart-grades"), {
      type: "bar",
      data: {
        labels: grades,
        datasets: [
          { label: "重算等级", data: grades.map(function (g) { return d.grades.recomputed[g] || 0; }),
            backgroundColor: grades.map(function (g) { return GRADE_COLORS[g]; }) },
          { label: "印制等级", data: grades.map(function (g) { return d.grades.printed[g] || 0; }),
            backgroundColor: "#cbd5e1" }
        ]
      },
      options: { plugins: { legend: { position: "bottom" } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });

    // Printed vs recomputed totals, with the diagonal.
    var pts = d.points.filter(function (p) { return p.printed_total !== null && p.recomputed_total !== null; });
    var same = [], differ = [];
    pts.forEach(function (p) {
      var q = { x: p.printed_total, y: p.recomputed_total, id: p.id, label: p.label };
      (Math.abs(p.printed_total - p.recomputed_total) > 0.005 ? differ : same).push(q);
    });
    var lo = Math.min.apply(null, pts.map(function (p) { return Math.min(p.printed_total, p.recomputed_total); }).concat([60]));
    new Chart(document.getElementById("chart-totals"), {
      type: "scatter",
      data: {
        datasets: [
          { label: "一致", data: same, backgroundColor: "rgba(37,99,235,.6)", pointRadius: 4 },
          { label: "不一致", data: differ, backgroundColor: "rgba(220,38,38,.75)", pointRadius: 5 },
          { label: "印制 = 重算", type: "line", data: [{ x: lo, y: lo }, { x: 100, y: 100 }],
            borderColor: "#94a3b8", borderDash: [4, 4], pointRadius: 0, borderWidth: 1 }
        ]
      },
      options: {
        onClick: open(),
        plugins: { legend: { position: "bottom" }, tooltip: { callbacks: { label: function (c) { var r = c.raw; return (r.label || "") + "：印制 " + r.x + "，重算 " + r.y; } } } },
        scales: { x: { title: { display: true, text: "印制总分" } }, y: { title: { display: true, text: "重算总分" } } }
      }
    });

    // Execution rate vs recomputed total.
    var rp = d.points.filter(function (p) { return p.execution_rate !== null && p.recomputed_total !== null; })
      .map(function (p) { return { x: p.execution_rate, y: p.recomputed_total, id: p.id, label: p.label }; });
    new Chart(document.getElementById("chart-rate"), {
      type: "scatter",
      data: { datasets: [{ label: "表格", data: rp, backgroundColor: "rgba(13,148,136,.65)", pointRadius: 4 }] },
      options: {
        onClick: open(),
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (c) { var r = c.raw; return (r.label || "") + "：执行率 " + r.x + "%，总分 " + r.y; } } } },
        scales: { x: { title: { display: true, text: "预算执行率（%）" } }, y: { title: { display: true, text: "重算总分" } } }
      }
    });

    // Findings by check.
    var codes = d.findings_by_code;
    new Chart(document.getElementById("chart-codes"), {
      type: "bar",
      data: {
        labels: codes.map(function (c) { return c.title; }),
        datasets: [{ label: "发现", data: codes.map(function (c) { return c.count; }), backgroundColor: "#d97706" }]
      },
      options: { indexAxis: "y", plugins: { legend: { display: false }, tooltip: { callbacks: { afterLabel: function (c) { return codes[c.dataIndex].code; } } } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });

    // Findings by unit and year (stacked; the 12 units with most findings).
    var rows = d.by_unit_year;
    var totals = {};
    rows.forEach(function (r) { var u = r.unit || "—"; totals[u] = (totals[u] || 0) + r.findings; });
    var units = Object.keys(totals).sort(function (a, b) { return totals[b] - totals[a]; }).slice(0, 12);
    var years = Array.from(new Set(rows.map(function (r) { return r.year || "—"; }))).sort();
    new Chart(document.getElementById("chart-units"), {
      type: "bar",
      data: {
        labels: units.map(function (u) { return u.length > 14 ? u.slice(0, 13) + "…" : u; }),
        datasets: years.map(function (y, i) {
          return {
            label: String(y),
            backgroundColor: PALETTE[i % PALETTE.length],
            data: units.map(function (u) {
              return rows.filter(function (r) { return (r.unit || "—") === u && (r.year || "—") === y; })
                .reduce(function (s, r) { return s + r.findings; }, 0);
            })
          };
        })
      },
      options: { plugins: { legend: { position: "bottom" } }, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", charts);
  } else {
    charts();
  }
})();
