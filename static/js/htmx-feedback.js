// What every htmx request shows, on every page (loaded by templates/base.html):
// - busy: the requesting element carries `htmx-request` (styled in static/css/app.css, since
//   htmx's own indicator styles are off under the strict CSP) and aria-busy;
// - no double saves: a form's submit button (or the requesting button) is disabled while its
//   request runs, through htmx's own hx-disabled-elt unless the element sets its own;
// - 422 carries the form again with its errors: it is swapped in like a success;
// - a failure (another 4xx, 5xx, no connection, timeout) is shown next to the control used,
//   or where `data-error-target` points; it is never silent;
// - focus stays: after a swap that removed the focused control, the element with the same id
//   (a form: its first invalid field, else its submit button) gets it back and is scrolled
//   into view, with the row named by `data-keep-with`; regions marked `data-announce` are
//   re-filled so screen readers read the note they carry.
(function () {
  "use strict";
  const memory = new WeakMap(); // xhr -> {activeId, requesterId}
  const errors = new WeakMap(); // requesting element -> its error message element

  const SUBMIT = "button:not([type=button]):not([type=reset]), input[type=submit]";

  function useDisabledElt(elt) {
    if (elt.closest("[hx-disabled-elt], [data-hx-disabled-elt]")) return;
    if (elt instanceof HTMLFormElement && elt.querySelector(SUBMIT)) {
      elt.setAttribute("hx-disabled-elt", `find ${SUBMIT}`);
    } else if (elt instanceof HTMLButtonElement) {
      elt.setAttribute("hx-disabled-elt", "this");
    }
  }

  function errorElement(elt) {
    const target = elt.dataset.errorTarget && document.querySelector(elt.dataset.errorTarget);
    if (target) return target;
    let message = errors.get(elt);
    if (!message || !message.isConnected) {
      message = document.createElement("div");
      message.className = "request-error alert alert-danger py-1 px-2 mt-1 mb-0 small";
      message.setAttribute("role", "alert");
      message.tabIndex = -1;
      elt.insertAdjacentElement(elt instanceof HTMLTableRowElement ? "beforeend" : "afterend", message);
      errors.set(elt, message);
    }
    return message;
  }

  function showError(elt, text) {
    const message = errorElement(elt);
    message.textContent = text;
    message.classList.add("request-failed");
    message.hidden = false;
  }

  function clearError(elt) {
    const message = errors.get(elt);
    if (message) message.remove();
    errors.delete(elt);
    const target = elt.dataset.errorTarget && document.querySelector(elt.dataset.errorTarget);
    if (target && target.classList.contains("request-failed")) {
      target.textContent = "";
      target.classList.remove("request-failed");
    }
  }

  function reasonOf(xhr) {
    // Our 403 page states the reason the view gave (templates/403.html, its lead paragraph).
    try {
      const page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      return page.querySelector("#error-reason, .error-page .lead")?.textContent.trim() || "";
    } catch {
      return "";
    }
  }

  function failureText(xhr) {
    const status = xhr.status;
    if (status === 403) {
      return `Not saved: ${reasonOf(xhr) || "you may not make this change."} Reload the page to see the current state.`;
    }
    if (status === 404) {
      return "Not saved: this item no longer exists (someone may have removed it). Reload the page.";
    }
    if (status >= 500) {
      return `Not saved: the server had a problem (error ${status}). Try again in a moment; if it keeps failing, reload the page.`;
    }
    return `Not saved: the server refused the request (error ${status}). Reload the page and try again.`;
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    useDisabledElt(elt);
    clearError(elt);
    elt.setAttribute("aria-busy", "true");
    const active = document.activeElement;
    memory.set(event.detail.xhr, {
      activeId: active && active !== document.body ? active.id : "",
      requesterId: elt.id || "",
    });
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const elt = event.detail.elt;
    elt.removeAttribute("aria-busy");
    if (event.detail.successful || event.detail.xhr?.status === 422) return;
    // Nothing was swapped: once htmx has enabled the button again, give focus back to it.
    setTimeout(() => {
      const active = document.activeElement;
      if (active && active !== document.body) return;
      const control = elt instanceof HTMLFormElement ? elt.querySelector(SUBMIT) : elt;
      control?.focus();
    }, 0);
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", (event) => {
    showError(event.detail.elt, failureText(event.detail.xhr));
  });
  document.addEventListener("htmx:sendError", (event) => {
    showError(event.detail.elt, "Not sent: no connection to the server. Check the network and try again.");
  });
  document.addEventListener("htmx:timeout", (event) => {
    showError(event.detail.elt, "Not sent: the server did not answer in time. Try again.");
  });
  document.addEventListener("htmx:swapError", (event) => {
    showError(event.detail.elt, "The answer could not be shown. Reload the page.");
  });

  function focusTarget(remembered, swapped) {
    let target = remembered.activeId && document.getElementById(remembered.activeId);
    const requester = remembered.requesterId && document.getElementById(remembered.requesterId);
    if (requester instanceof HTMLFormElement) {
      target = requester.querySelector('[aria-invalid="true"]')
        || (target && requester.contains(target) ? target : requester.querySelector(SUBMIT));
    } else if (!target) {
      target = requester;
    }
    if (!target || target.disabled) {
      target = [...swapped.querySelectorAll("[data-announce]")].find((el) => el.textContent.trim());
    }
    return target || null;
  }

  function announce(swapped) {
    swapped.querySelectorAll("[data-announce]").forEach((region) => {
      const text = region.textContent;
      if (!text.trim()) return;
      region.textContent = "";
      setTimeout(() => { region.textContent = text; }, 50);
    });
  }

  document.addEventListener("htmx:afterSettle", (event) => {
    const remembered = memory.get(event.detail.xhr);
    const swapped = event.detail.elt instanceof Element && event.detail.elt.isConnected
      ? event.detail.elt : document.body;
    const active = document.activeElement;
    const lost = !active || active === document.body || !active.isConnected;
    const target = remembered && lost ? focusTarget(remembered, swapped) : null;
    announce(swapped);
    if (!target) return;
    const row = target.closest("[data-keep-with]");
    document.getElementById(row?.dataset.keepWith || "")?.scrollIntoView({ block: "nearest" });
    target.focus();
  });

})();
