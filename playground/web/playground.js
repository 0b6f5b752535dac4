// The kubesem playground: a terminal on the left typing into the kubesem
// shell (kubesem.wasm, cmd/kubesem compiled to WebAssembly), the cluster
// drawn on the right from the shell's snapshots. No framework, no server:
// static files only.
//
// The page's state is on <body>: data-state is loading, ready, running (a
// line runs) or stopped; data-done counts the lines run. The drawing
// carries the snapshot on data- attributes (data-node, data-pod, data-rs,
// data-revision, data-status, data-ready), for the eyes of tests.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const out = $("out"), line = $("line"), promptEl = $("prompt"), scroller = $("scroll");
  const body = document.body;

  // ---- terminal ----------------------------------------------------------

  const history = [];
  let histPos = 0, draft = "";

  function print(text, cls) {
    if (!text) return;
    const last = out.lastChild;
    if (!cls && last && last.nodeType === Node.TEXT_NODE) {
      last.appendData(text);
    } else if (cls) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      out.appendChild(span);
    } else {
      out.appendChild(document.createTextNode(text));
    }
    // keep the scrollback bounded
    while (out.childNodes.length > 4000) out.removeChild(out.firstChild);
    scroller.scrollTop = scroller.scrollHeight;
  }

  function setPrompt(p) {
    promptEl.textContent = p;
  }

  function running(on) {
    body.dataset.state = on ? "running" : "ready";
    $("inputline").style.visibility = on ? "hidden" : "visible";
    $("status").textContent = on ? "running…" : "";
    if (!on) focusLine();
  }

  async function runLine(text) {
    print(promptEl.textContent, "prompt");
    print(text + "\n", "typed");
    if (text.trim() !== "" && history[history.length - 1] !== text) history.push(text);
    histPos = history.length;
    draft = "";
    line.value = "";
    running(true);
    let res;
    try {
      res = await kubesem.exec(text, (t) => print(t), () => redraw());
    } catch (e) {
      print("kubesem: " + e + "\n", "error");
    }
    if (res && res.error) print(res.error + "\n", "error");
    if (res) setPrompt(res.prompt);
    redraw();
    refreshFiles();
    running(false);
    body.dataset.done = String(Number(body.dataset.done) + 1);
  }

  line.addEventListener("keydown", (e) => {
    if (body.dataset.state !== "ready") return;
    if (e.key === "Enter") {
      e.preventDefault();
      runLine(line.value);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (histPos === history.length) draft = line.value;
      if (histPos > 0) line.value = history[--histPos];
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      if (histPos < history.length) {
        histPos++;
        line.value = histPos === history.length ? draft : history[histPos];
      }
    } else if (e.ctrlKey && (e.key === "c" || e.key === "C") && !hasSelection()) {
      // abandon the line, as a shell does
      e.preventDefault();
      print(promptEl.textContent, "prompt");
      print(line.value + "^C\n", "typed");
      line.value = "";
      histPos = history.length;
    } else if (e.ctrlKey && (e.key === "l" || e.key === "L")) {
      e.preventDefault();
      out.textContent = "";
    } else if (e.ctrlKey && (e.key === "u" || e.key === "U")) {
      e.preventDefault();
      line.value = "";
    }
  });

  // Ctrl-C while a line runs stops a watch or a sleep.
  document.addEventListener("keydown", (e) => {
    if (body.dataset.state === "running" && e.ctrlKey && (e.key === "c" || e.key === "C")) {
      e.preventDefault();
      kubesem.interrupt();
    }
  });

  // hasSelection: text is selected (in the scrollback, or in the input
  // line), so that Ctrl-C copies it.
  function hasSelection() {
    const s = window.getSelection();
    return (s && s.toString() !== "") || (document.activeElement === line && line.selectionStart !== line.selectionEnd);
  }

  // A click in the terminal (not a selection) focuses the input line.
  $("terminal").addEventListener("mouseup", () => {
    if (!hasSelection() && body.dataset.state === "ready") focusLine();
  });

  for (const b of document.querySelectorAll("[data-try]")) {
    b.addEventListener("click", () => {
      if (body.dataset.state !== "ready") return;
      line.value = b.dataset.try;
      focusLine();
    });
  }

  // ---- the drawing -------------------------------------------------------

  // Each ReplicaSet (or ReplicationController) keeps the color it was
  // first drawn with, so that a rollback shows the old pods coming back.
  const palette = ["#3b82f6", "#f59e0b", "#10b981", "#a855f7", "#ef4444", "#14b8a6", "#ec4899", "#84cc16", "#6366f1", "#f97316"];
  const colors = new Map();
  function colorOf(key) {
    if (!key) return "#9ca3af";
    if (!colors.has(key)) colors.set(key, palette[colors.size % palette.length]);
    return colors.get(key);
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === "class") e.className = v;
      else if (k === "style") e.style.cssText = v;
      else if (k.startsWith("data-")) e.setAttribute(k, String(v));
      else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // statusClass groups kubectl's STATUS cells for the drawing.
  function statusClass(p) {
    const [ready, total] = p.ready.split("/").map(Number);
    if (p.status === "Terminating" || p.status === "Unknown") return "leaving";
    if (p.status === "Running") return ready === total ? "ok" : "notready";
    if (p.status === "Pending" || p.status === "ContainerCreating" || p.status.startsWith("Init:") || p.status === "PodInitializing") return "starting";
    if (p.status === "Completed" || p.status === "Succeeded") return "done";
    return "failing";
  }

  function ownerKey(p) {
    return p.owner ? p.namespace + "/" + p.ownerKind + "/" + p.owner : "";
  }

  function shortImage(image) {
    return image.split(",").map((i) => i.slice(i.lastIndexOf("/") + 1)).join(",");
  }

  function podBox(p) {
    const key = ownerKey(p);
    let name = p.name, suffix = "";
    if (p.owner && p.name.startsWith(p.owner + "-")) {
      name = p.owner + "-";
      suffix = p.name.slice(p.owner.length + 1);
    }
    return el("div", {
      class: "pod " + statusClass(p),
      style: "--c:" + colorOf(key),
      title: `${p.namespace}/${p.name}\n${p.status}  ${p.ready}  restarts ${p.restarts}\n${p.image}${p.ip ? "\nIP " + p.ip : ""}${p.owner ? "\n" + p.ownerKind + " " + p.owner : ""}${p.revision ? " (revision " + p.revision + ")" : ""}`,
      "data-pod": p.name, "data-namespace": p.namespace, "data-node": p.node,
      "data-rs": p.ownerKind === "ReplicaSet" ? p.owner : "", "data-rc": p.ownerKind === "ReplicationController" ? p.owner : "",
      "data-revision": p.revision || "", "data-status": p.status, "data-ready": p.ready, "data-image": p.image,
    },
    el("div", { class: "pod-name" }, name, suffix ? el("b", {}, suffix) : null),
    el("div", { class: "pod-status" }, el("span", { class: "st" }, p.status), " ", el("span", { class: "rd" }, p.ready),
      p.restarts !== "0" ? el("span", { class: "rs" }, " ↻" + p.restarts.split(" ")[0]) : null),
    el("div", { class: "pod-image" }, shortImage(p.image), p.revision ? el("span", { class: "rev" }, " rev " + p.revision) : null));
  }

  function drawNodes(snap) {
    const box = $("nodes");
    const cols = [];
    const byNode = new Map(snap.nodes.map((n) => [n.name, []]));
    const unscheduled = [];
    for (const p of snap.pods) {
      if (p.node && byNode.has(p.node)) byNode.get(p.node).push(p);
      else unscheduled.push(p);
    }
    for (const n of snap.nodes) {
      const state = !n.running ? "off" : n.ready ? "ready" : "notready";
      cols.push(el("div", { class: "node " + state + (n.master ? " master" : ""), "data-node": n.name, "data-status": n.status, "data-running": n.running },
        el("div", { class: "node-head" },
          el("span", { class: "node-name", title: n.master ? "the control plane" : null }, n.name),
          el("span", { class: "node-status" }, n.running ? n.status : n.status + " · switched off")),
        el("div", { class: "pods" }, ...byNode.get(n.name).map(podBox),
          byNode.get(n.name).length === 0 ? el("div", { class: "empty" }, n.master ? "control plane: tainted NoSchedule, no workloads" : "(no pods)") : null)));
    }
    if (unscheduled.length > 0) {
      cols.push(el("div", { class: "node unscheduled", "data-node": "" },
        el("div", { class: "node-head" }, el("span", { class: "node-name" }, "not scheduled")),
        el("div", { class: "pods" }, ...unscheduled.map(podBox))));
    }
    box.replaceChildren(...cols);
  }

  function drawWorkloads(snap) {
    const rows = [];
    if (snap.deployments.length > 0) {
      rows.push(el("tr", { class: "group" }, el("th", { colspan: 7 }, "Deployments")));
      rows.push(el("tr", { class: "head" }, el("th", {}, ""), el("th", {}, "NAME"), el("th", {}, "READY"), el("th", {}, "UP-TO-DATE"), el("th", {}, "AVAILABLE"), el("th", {}, "REV"), el("th", {}, "IMAGE")));
      for (const d of snap.deployments) {
        rows.push(el("tr", { "data-deployment": d.name, "data-namespace": d.namespace },
          el("td", {}, ""), el("td", {}, nsName(d), d.paused ? el("span", { class: "paused" }, " paused") : null),
          el("td", {}, `${d.ready}/${d.replicas}`), el("td", {}, d.updated), el("td", {}, d.available), el("td", {}, d.revision), el("td", {}, d.image)));
      }
    }
    const owners = snap.replicaSets.map((r) => ({ ...r, kind: "ReplicaSet" })).concat(snap.replicationControllers.map((r) => ({ ...r, kind: "ReplicationController" })));
    if (owners.length > 0) {
      rows.push(el("tr", { class: "group" }, el("th", { colspan: 7 }, "ReplicaSets and ReplicationControllers")));
      rows.push(el("tr", { class: "head" }, el("th", {}, ""), el("th", {}, "NAME"), el("th", {}, "DESIRED"), el("th", {}, "CURRENT"), el("th", {}, "READY"), el("th", {}, "REV"), el("th", {}, "IMAGE")));
      owners.sort((a, b) => (a.deployment || a.name).localeCompare(b.deployment || b.name) || Number(a.revision || 0) - Number(b.revision || 0) || a.name.localeCompare(b.name));
      for (const r of owners) {
        const key = r.namespace + "/" + r.kind + "/" + r.name;
        rows.push(el("tr", {
          class: r.desired === 0 && r.current === 0 ? "idle" : "",
          "data-rs": r.kind === "ReplicaSet" ? r.name : null, "data-rc": r.kind === "ReplicationController" ? r.name : null,
          "data-namespace": r.namespace, "data-deployment": r.deployment || "", "data-revision": r.revision || "",
          "data-desired": r.desired, "data-current": r.current, "data-ready": r.ready,
        },
        el("td", {}, el("span", { class: "swatch", style: "background:" + colorOf(key) })),
        el("td", {}, nsName(r), r.kind === "ReplicationController" ? el("span", { class: "kind" }, " rc") : null),
        el("td", {}, r.desired), el("td", {}, r.current), el("td", {}, r.ready), el("td", {}, r.revision || ""), el("td", {}, r.image)));
      }
    }
    $("workloads").replaceChildren(rows.length > 0 ? el("table", {}, ...rows) : el("p", { class: "empty" }, "No Deployments, ReplicaSets or ReplicationControllers yet."));
  }

  function nsName(o) {
    return o.namespace === "default" ? o.name : o.namespace + "/" + o.name;
  }

  function drawLegend() {
    $("legend").replaceChildren(
      el("span", { class: "pod ok legend", style: "--c:#6b7280" }, "Running, ready"),
      el("span", { class: "pod notready legend", style: "--c:#6b7280" }, "not ready"),
      el("span", { class: "pod starting legend", style: "--c:#6b7280" }, "starting"),
      el("span", { class: "pod leaving legend", style: "--c:#6b7280" }, "Terminating"),
      el("span", { class: "pod failing legend", style: "--c:#6b7280" }, "failing"),
      el("span", { class: "legend-note" }, "color: the pod's ReplicaSet"));
  }

  function redraw() {
    let snap;
    try {
      snap = JSON.parse(kubesem.snapshot());
    } catch (e) {
      return;
    }
    if (snap.error) return;
    $("clock").textContent = snap.time;
    body.dataset.time = snap.time;
    drawNodes(snap);
    drawWorkloads(snap);
  }

  // ---- files -------------------------------------------------------------

  const dialog = $("editor");
  let files = [];

  function refreshFiles() {
    files = JSON.parse(kubesem.files());
    $("filelist").replaceChildren(...files.map((f) => {
      const b = el("button", { type: "button", class: "file", "data-file": f.name }, f.name);
      b.addEventListener("click", () => openFile(f.name));
      return b;
    }));
  }

  function openFile(name) {
    const f = files.find((x) => x.name === name);
    $("filename").value = name;
    $("filetext").value = f ? f.content : "";
    $("fileerror").textContent = "";
    dialog.showModal();
    (name ? $("filetext") : $("filename")).focus();
  }

  function saveFile() {
    const err = kubesem.writeFile($("filename").value.trim(), $("filetext").value);
    $("fileerror").textContent = err;
    if (err) return false;
    refreshFiles();
    return true;
  }

  function closeFile() {
    dialog.close();
    if (body.dataset.state === "ready") focusLine();
  }

  // focusLine puts the caret at the end of the input line. (Focus alone,
  // right after the editor closed, can leave Chromium's text selection
  // in the closed editor, and the keys typed next then insert nothing.)
  function focusLine() {
    line.focus();
    line.setSelectionRange(line.value.length, line.value.length);
  }

  $("newfile").addEventListener("click", () => openFile(""));
  $("savefile").addEventListener("click", () => {
    if (saveFile()) closeFile();
  });
  $("closefile").addEventListener("click", closeFile);
  $("usefile").addEventListener("click", () => {
    if (!saveFile()) return;
    line.value = "kubectl create -f " + $("filename").value.trim();
    closeFile();
  });
  // (Escape closes the dialog too)
  dialog.addEventListener("close", () => {
    if (body.dataset.state === "ready") focusLine();
  });

  // ---- start -------------------------------------------------------------

  window.onKubesemReady = () => {
    const speed = Number(new URLSearchParams(location.search).get("speed"));
    if (speed > 0) kubesem.setSpeed(speed);
    out.textContent = "";
    print(kubesem.banner + "\n");
    print("The tutorial's files are loaded (Files, on the right): try kubectl create -f http-go-deploy-v1.yaml --record=true\n");
    setPrompt(kubesem.prompt());
    drawLegend();
    redraw();
    refreshFiles();
    line.disabled = false;
    running(false);
  };

  async function load() {
    print("Loading kubesem.wasm …\n");
    const go = new Go();
    const resp = await fetch("kubesem.wasm");
    if (!resp.ok) throw new Error("fetching kubesem.wasm: " + resp.status + " " + resp.statusText + " (run playground/build first)");
    // read it ourselves, to show the progress of a large download
    const total = Number(resp.headers.get("Content-Length")) || 0;
    const reader = resp.body.getReader();
    const chunks = [];
    let got = 0, shown = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      got += value.length;
      if (total && got - shown > total / 10) {
        shown = got;
        $("status").textContent = `loading ${Math.round((100 * got) / total)}%`;
      }
    }
    const bytes = new Uint8Array(got);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    $("status").textContent = "starting…";
    const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
    go.run(instance).then(() => {
      body.dataset.state = "stopped";
      $("inputline").style.visibility = "hidden";
      print("\nkubesem stopped: reload the page for a fresh cluster.\n", "error");
    });
  }

  load().catch((e) => {
    body.dataset.state = "stopped";
    $("status").textContent = "";
    print("kubesem could not start: " + e.message + "\n", "error");
  });
})();
