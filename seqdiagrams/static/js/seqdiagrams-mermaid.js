/* seqdiagrams-mermaid.js — part of seqdiagrams (MIT), not third-party code.
 *
 * Draws every `pre.mermaid` on the page with the vendored Mermaid (loaded just before this script from the site
 * itself: no CDN), themed with the palette of the seqdiagrams figures, and draws it again when the site switches
 * between light and dark: Material for MkDocs sets `data-md-color-scheme` on <body>, Furo and PyData set
 * `data-theme`, Bootstrap `data-bs-theme`; without any of them the OS preference (`prefers-color-scheme`)
 * decides, and a container's `data-sqd-theme="light|dark"` forces one.
 *
 * Each source is kept in `data-sqd-source` so it can be drawn again. The `mermaid` class is taken off the <pre>
 * as soon as this script runs, so a theme's own Mermaid integration (Material's draws into a closed shadow
 * root with its own colours) leaves our diagrams alone. Until a diagram is drawn its container shows the
 * fallback table written next to it at build time (see seqdiagrams/rendering/mermaid.py); when drawing fails the
 * source and the table stay, and the error goes to the console.
 */
(function () {
  "use strict";

/* palette: generated from seqdiagrams/rendering/theme.py by `python -m seqdiagrams.rendering.mermaid` */
const PALETTE = {"background": ["#ffffff", "#1e2129"], "edge": ["#475569", "#94a3b8"], "families": {"activation": [["#fef9c3", "#a16207"], ["#422006", "#facc15"]], "attention": [["#fee2e2", "#dc2626"], ["#450a0a", "#f87171"]], "embed": [["#fce7f3", "#db2777"], ["#500724", "#f472b6"]], "gate": [["#ffedd5", "#ea580c"], ["#431407", "#fb923c"]], "io": [["#f1f5f9", "#64748b"], ["#1e293b", "#94a3b8"]], "layer": [["#f8fafc", "#334155"], ["#0b1220", "#94a3b8"]], "linear": [["#ede9fe", "#7c3aed"], ["#2e1065", "#a78bfa"]], "norm": [["#fef3c7", "#b45309"], ["#451a03", "#fbbf24"]], "op": [["#ffffff", "#475569"], ["#0f172a", "#cbd5e1"]], "ssm": [["#ccfbf1", "#0f766e"], ["#042f2e", "#2dd4bf"]], "state": [["#dbeafe", "#2563eb"], ["#172554", "#60a5fa"]]}, "text": ["#0f172a", "#e2e8f0"]};
/* end of palette */

  if (typeof window.mermaid === "undefined" || window.mermaid instanceof Element) {
    return; // the vendored mermaid.min.js did not load: the fallback tables stay
  }
  var mermaid = window.mermaid;
  var DARK = '[data-md-color-scheme="slate"],[data-theme="dark"],[data-bs-theme="dark"],.dark';
  var LIGHT = '[data-md-color-scheme="default"],[data-theme="light"],[data-bs-theme="light"]';
  var SCHEME_ATTRIBUTES = ["data-md-color-scheme", "data-theme", "data-bs-theme", "class"];
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var diagrams = [];
  var queue = Promise.resolve();
  var counter = 0;

  mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

  function scheme(el) {
    var box = el.closest(".sqd-mermaid");
    var forced = box ? box.getAttribute("data-sqd-theme") : null;
    if (forced === "light" || forced === "dark") {
      return forced;
    }
    for (var node = el; node && node.nodeType === 1; node = node.parentElement) {
      if (node.matches(DARK)) {
        return "dark";
      }
      if (node.matches(LIGHT)) {
        return "light";
      }
    }
    return media && media.matches ? "dark" : "light";
  }

  function family(name, i) {
    var colours = PALETTE.families[name] || PALETTE.families.io;
    return colours[i];
  }

  function boxCss(selector, fill, stroke, text) {
    return selector + " rect," + selector + " polygon," + selector + " path.node-bkg," + selector + " circle{fill:" +
      fill + "!important;stroke:" + stroke + "!important}" + selector + " line{stroke:" + stroke + "!important}" +
      selector + " text{fill:" + text + "!important}" + selector + " .nodeLabel," + selector + " span{color:" + text +
      "!important}";
  }

  /* Mermaid's configuration for one diagram in one scheme: base theme variables from the palette, and theme CSS
     for what variables do not reach (timeline sections, classes of flowchart nodes, timeline axis lines). */
  function config(el, dark) {
    var i = dark ? 1 : 0;
    var text = PALETTE.text[i];
    var edge = PALETTE.edge[i];
    var state = family("state", i);
    var io = family("io", i);
    var box = el.closest(".sqd-mermaid") || el.parentElement || el;
    var css = ".lineWrapper line{stroke:" + edge + "!important}marker path{fill:" + edge + ";stroke:" + edge + "}";
    var sections = (box.getAttribute("data-sqd-sections") || "").split(" ").filter(Boolean);
    sections.forEach(function (name, k) {
      var colours = family(name, i);
      var section = ".section-" + (k - 1);
      css += boxCss(section, colours[0], colours[1], text);
      css += boxCss(".eventWrapper " + section, io[0], colours[1], text);
    });
    (box.getAttribute("data-sqd-classes") || "").split(" ").filter(Boolean).forEach(function (pair) {
      var parts = pair.split(":");
      var colours = family(parts[1], i);
      css += boxCss(".node." + parts[0], colours[0], colours[1], text);
    });
    return {
      startOnLoad: false,
      securityLevel: "strict",
      suppressErrorRendering: true,
      theme: "base",
      darkMode: dark,
      fontFamily: getComputedStyle(box).fontFamily,
      themeVariables: {
        darkMode: dark,
        background: PALETTE.background[i],
        fontFamily: getComputedStyle(box).fontFamily,
        primaryColor: state[0],
        primaryBorderColor: state[1],
        primaryTextColor: text,
        secondaryColor: io[0],
        secondaryBorderColor: io[1],
        secondaryTextColor: text,
        tertiaryColor: io[0],
        tertiaryBorderColor: io[1],
        tertiaryTextColor: text,
        mainBkg: state[0],
        nodeBorder: state[1],
        nodeTextColor: text,
        textColor: text,
        titleColor: text,
        lineColor: edge,
        edgeLabelBackground: PALETTE.background[i],
        clusterBkg: io[0],
        clusterBorder: io[1]
      },
      themeCSS: css,
      timeline: { useMaxWidth: false } // full size, scrolled sideways: a long timeline shrunk to fit is unreadable
    };
  }

  function render(el) {
    var key = scheme(el);
    if (el.getAttribute("data-sqd-scheme") === key) {
      return Promise.resolve();
    }
    mermaid.initialize(config(el, key === "dark"));
    counter += 1;
    return mermaid.render("sqd-mermaid-" + counter, el.getAttribute("data-sqd-source")).then(function (result) {
      el.innerHTML = result.svg;
      if (result.bindFunctions) {
        result.bindFunctions(el);
      }
      el.setAttribute("data-sqd-scheme", key);
      var box = el.closest(".sqd-mermaid");
      if (box && box.getAttribute("data-sqd-state") !== "done") {
        box.setAttribute("data-sqd-state", "done");
        var data = box.querySelector(".sqd-mermaid-data");
        if (data) {
          data.open = false; // the table stays one click away
        }
      }
    });
  }

  function draw(el) {
    queue = queue.then(function () {
      return render(el);
    }).catch(function (error) {
      var box = el.closest(".sqd-mermaid");
      if (box) {
        box.setAttribute("data-sqd-state", "error");
      }
      el.textContent = el.getAttribute("data-sqd-source");
      console.error("seqdiagrams: Mermaid could not draw a diagram:", error);
    });
  }

  function claim() {
    document.querySelectorAll("pre.mermaid").forEach(function (el) {
      el.setAttribute("data-sqd-source", el.textContent);
      el.classList.remove("mermaid");
      el.classList.add("sqd-mermaid-diagram");
      diagrams.push(el);
      draw(el);
    });
  }

  function redraw() {
    diagrams.forEach(draw);
  }

  function watch(target) {
    new MutationObserver(redraw).observe(target, { attributes: true, attributeFilter: SCHEME_ATTRIBUTES });
  }

  claim(); // now, before a theme's own Mermaid integration runs on DOMContentLoaded
  watch(document.documentElement);
  function ready() {
    claim();
    if (document.body) {
      watch(document.body);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  if (media) {
    if (media.addEventListener) {
      media.addEventListener("change", redraw);
    } else if (media.addListener) {
      media.addListener(redraw);
    }
  }
})();
