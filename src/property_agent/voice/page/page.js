// The voice page's own script (in <head>, before Gradio starts). It tells the state indicator
// whether a call is live (data-call = off | live on <html> and on #call-state, from FastRTC's
// buttons), and explains a refused or missing microphone in plain words instead of failing silently.
(() => {
  const root = document.documentElement;
  root.dataset.call = "off";
  const problems = {
    NotAllowedError: ["The microphone is blocked.",
      "Allow it for this page (the icon at the left of the address bar), then click the microphone box again. You can also type below."],
    SecurityError: ["The microphone is blocked.",
      "Allow it for this page (the icon at the left of the address bar), then click the microphone box again. You can also type below."],
    NotFoundError: ["No microphone found.",
      "Plug one in and click the microphone box again, or type your question below."],
    NotReadableError: ["The microphone is busy.",
      "Another program is using it. Close it and press Record again, or type below."],
    insecure: ["The microphone needs a secure page.",
      "Open this page over https (or on localhost) to talk; you can type below meanwhile."],
  };
  function notice(kind) {
    const box = document.querySelector("#mic-notice .mic-notice");
    if (!box) return;
    if (kind === null) { box.hidden = true; return; }
    const text = problems[kind] || problems.NotFoundError;
    box.innerHTML = "";
    const title = document.createElement("strong");
    title.textContent = text[0];
    box.append(title, document.createTextNode(text[1]));
    box.dataset.problem = kind;
    box.hidden = false;
  }
  // Gradio also pops up a toast about the microphone over the header; the notice says more, in
  // place, so the toast is closed as soon as it shows.
  new MutationObserver(() => {
    for (const toast of document.querySelectorAll("[data-testid='toast-body']")) {
      const close = toast.querySelector(".toast-close");
      if (close && /microphone/i.test(toast.textContent)) close.click();
    }
  }).observe(document.documentElement, {childList: true, subtree: true});
  const media = navigator.mediaDevices;
  if (!media || !media.getUserMedia) {
    window.addEventListener("load", () => setTimeout(() => notice("insecure"), 500));
  } else {
    const ask = media.getUserMedia.bind(media);
    media.getUserMedia = async (constraints) => {
      try {
        const stream = await ask(constraints);
        notice(null);
        return stream;
      } catch (error) {
        notice(error && error.name in problems ? error.name : "NotFoundError");
        throw error;
      }
    };
  }
  // A call is live while FastRTC shows its mute buttons (its Stop button keeps the Record
  // button's label). A returning user who has allowed the microphone skips FastRTC's
  // "Click to Access Microphone" step: Record is there at once.
  setInterval(() => {
    const voice = document.getElementById("voice");
    const call = voice && voice.querySelector("button[aria-label='mute mic']") ? "live" : "off";
    const state = document.getElementById("call-state");
    if (root.dataset.call !== call) root.dataset.call = call;
    if (state && state.dataset.call !== call) state.dataset.call = call;
  }, 200);
  if (navigator.permissions && navigator.permissions.query) {
    navigator.permissions.query({name: "microphone"}).then((status) => {
      if (status.state !== "granted") return;
      const started = Date.now();
      const open = setInterval(() => {
        const access = document.querySelector("#voice [title='grant webcam access'] button");
        if (access) access.click();
        if (access || Date.now() - started > 15000) clearInterval(open);
      }, 200);
    }).catch(() => {});
  }
})();
