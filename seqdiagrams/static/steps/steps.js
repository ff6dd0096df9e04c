/* seqdiagrams figures on the page: previous/next buttons and the arrow keys reveal a figure one step at a time;
 * a node that computes an equation shown on the same page (a formula section) links to it, and back.
 * Without this script (or in print) every figure shows complete; it only adds classes, links and text.
 * Material's instant navigation swaps pages without a reload: `document$` announces each new page. */
(function () {
  "use strict";

  function setup(figure) {
    var svg = figure.querySelector("svg.sqd-svg");
    var bar = figure.querySelector(".sqd-stepper");
    if (!svg || !bar) return;
    var captions = Array.prototype.map.call(figure.querySelectorAll(".sqd-step-list > li"), function (li) {
      return li.textContent;
    });
    var parts = svg.querySelectorAll("[data-sqd-step]");
    var prev = bar.querySelector(".sqd-step-prev");
    var next = bar.querySelector(".sqd-step-next");
    var status = bar.querySelector(".sqd-step-status");
    var count = captions.length;
    var at = 1;

    function show(step) {
      at = Math.max(1, Math.min(count, step));
      Array.prototype.forEach.call(parts, function (part) {
        var own = Number(part.getAttribute("data-sqd-step"));
        part.classList.toggle("sqd-later", own > at);
        part.classList.toggle("sqd-now", own === at);
      });
      status.textContent = bar.getAttribute("data-sqd-status")
        .replace("{k}", String(at)).replace("{n}", String(count)).replace("{caption}", captions[at - 1]);
      // aria-disabled, not disabled: a focused button that reaches the end keeps the focus (and the arrow keys)
      prev.setAttribute("aria-disabled", String(at === 1));
      next.setAttribute("aria-disabled", String(at === count));
    }

    prev.addEventListener("click", function () { show(at - 1); });
    next.addEventListener("click", function () { show(at + 1); });
    figure.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
      show(at + (event.key === "ArrowRight" ? 1 : -1));
      event.preventDefault();
    });
    figure.setAttribute("data-sqd-ready", "");
    figure.classList.add("sqd-stepping");
    bar.hidden = false;
    show(1);
  }

  function reveal(element) {
    element.scrollIntoView({ block: "center" });
    element.focus({ preventScroll: true });
  }

  function link(node) {
    node.setAttribute("data-sqd-linked", "");
    var name = node.getAttribute("data-sqd-eq");
    var target = document.querySelector('.sqd-formula[data-equation="' + CSS.escape(name) + '"]');
    if (!target) return;
    var title = node.querySelector("title");
    node.setAttribute("tabindex", "0");
    node.setAttribute("role", "link");
    if (title) node.setAttribute("aria-label", title.textContent);
    node.style.cursor = "pointer";
    target.setAttribute("tabindex", "-1");
    node.addEventListener("click", function () { reveal(target); });
    node.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      reveal(target);
      event.preventDefault();
    });
    if (target.querySelector(".sqd-eq-back")) return; // several nodes compute it: the first one is linked back
    var figure = node.closest("figure");
    var back = document.createElement("a");
    back.className = "sqd-eq-back";
    back.href = "#" + node.id;
    back.textContent = (figure && figure.getAttribute("data-sqd-back")) || "\u2191";
    back.style.marginLeft = ".6em";
    back.style.fontSize = ".8em";
    back.addEventListener("click", function (event) {
      event.preventDefault();
      reveal(node);
    });
    (target.querySelector(".sqd-formula-label") || target).appendChild(back);
  }

  function setupAll() {
    Array.prototype.forEach.call(document.querySelectorAll("figure[data-sqd-steps]:not([data-sqd-ready])"), setup);
    Array.prototype.forEach.call(document.querySelectorAll("svg.sqd-svg [data-sqd-eq]:not([data-sqd-linked])"), link);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setupAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
