// Page 1: a prompt (or a photo) previewed on every listed model, side by side, with each model's price.
import { api, el, eth, ethers, short, status } from "./common.js";

const $ = (id) => document.getElementById(id);
let models = [];

async function init() {
  try {
    models = (await api("/api/models")).models;
  } catch (error) {
    status($("status"), `cannot load the models: ${error.message}`, "error");
    return;
  }
  const params = new URLSearchParams(location.search);
  $("prompt").value = params.get("prompt") || "";
  $("random").addEventListener("click", () => {
    const showcase = models.find((m) => m.role === "showcase") || models[0];
    $("prompt").value = ethers.hexlify(ethers.randomBytes(showcase ? showcase.prompt_len : 16));
    previewPrompt();
  });
  $("go").addEventListener("click", previewPrompt);
  $("prompt").addEventListener("keydown", (event) => event.key === "Enter" && previewPrompt());
  $("photo").addEventListener("change", previewPhoto);
  status($("status"), `${models.length} models listed: ${models.map((m) => `${m.name} (${m.prompt_len}-byte prompt)`).join(", ")}`);
  if ($("prompt").value) previewPrompt();
}

async function previewPrompt() {
  const prompt = $("prompt").value.trim();
  if (!prompt) return status($("status"), "type a hex prompt, or press Random", "error");
  await show(() =>
    api("/api/preview", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt }),
    }),
  );
}

async function previewPhoto() {
  const file = $("photo").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  await show(() => api("/api/preview/image", { method: "POST", body: form }), `photo ${file.name}`);
}

async function show(request, what = "prompt") {
  status($("status"), "previewing…");
  $("go").disabled = true;
  try {
    const answer = await request();
    $("results").replaceChildren(...answer.results.map(card));
    const ok = answer.results.filter((r) => r.ok).length;
    status($("status"), `${what}: ${ok} of ${answer.results.length} models previewed in ${answer.seconds.toFixed(2)} s`, "ok");
  } catch (error) {
    status($("status"), `${error.code ? error.code + ": " : ""}${error.message}`, "error");
  } finally {
    $("go").disabled = false;
  }
}

function card(result) {
  const model = models.find((m) => m.name === result.model) || {};
  if (!result.ok) {
    return el("article", { class: "card error", "data-model": result.model },
      el("h2", { text: result.model }),
      el("p", { class: "error", text: result.error.message }),
      el("p", { class: "price", text: eth(model.price) }));
  }
  const mint = `/mint.html?model=${encodeURIComponent(result.model)}&prompt=${result.prompt}`;
  return el("article", { class: "card", "data-model": result.model, "data-aigc": result.aigcData },
    el("h2", { text: result.model }),
    el("img", { class: "pixels", src: result.image, alt: `${result.model} output`, width: 256, height: 256 }),
    el("p", { class: "price", text: eth(result.price) }),
    el("p", { class: "mono", title: result.prompt, text: `prompt ${short(result.prompt, 12)}` }),
    el("p", { class: "muted", text: `${result.width}×${result.height}×${result.channels} · ${result.cached ? "cached" : `${(result.seconds * 1000).toFixed(0)} ms`}` }),
    el("a", { href: mint, class: "mint-link" }, el("button", { type: "button", text: "Mint this" })));
}

init();
