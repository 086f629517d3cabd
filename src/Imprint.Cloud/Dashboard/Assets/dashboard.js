// Live values: every element with data-live="URL" is refreshed every 5 seconds from that JSON
// endpoint while the tab is visible. Descendants with data-field="a.b" take the value's text; a
// data-class-field element also swaps its class (data-class-base + value). Pages are complete
// without this script: it only keeps open pages current.
(() => {
  "use strict";
  const roots = Array.from(document.querySelectorAll("[data-live]"));
  if (roots.length === 0) {
    return;
  }

  const pick = (data, path) => path.split(".").reduce((value, key) => (value == null ? undefined : value[key]), data);

  const apply = (root, data) => {
    const targets = [root, ...root.querySelectorAll("[data-field], [data-class-field]")];
    for (const element of targets) {
      const field = element.dataset.field;
      if (field) {
        const value = pick(data, field);
        if (value !== undefined && element.textContent !== String(value)) {
          element.textContent = String(value);
        }
      }

      const classField = element.dataset.classField;
      if (classField) {
        const value = pick(data, classField);
        if (typeof value === "string") {
          element.className = `${element.dataset.classBase || ""} ${value}`.trim();
        }
      }
    }
  };

  const refresh = async (root) => {
    try {
      const response = await fetch(root.dataset.live, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
      if (!response.ok) {
        root.classList.add("stale");
        return;
      }

      apply(root, await response.json());
      root.classList.remove("stale");
    } catch {
      root.classList.add("stale");
    }
  };

  const tick = () => {
    if (!document.hidden) {
      roots.forEach(refresh);
    }
  };

  window.setInterval(tick, 5000);
  document.addEventListener("visibilitychange", tick);
})();
