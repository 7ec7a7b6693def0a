// Page 1: one text (or a photo) previewed on every listed model, side by side, with each model's price. Each model
// turns the text into its own prompt (proofs/textprompt.py: hex of its length, Nouns traits, or a documented hash),
// so no model fails on another's prompt format.
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
    // Random bytes of the showcase's length: that model reads them as its prompt, every other one hashes them
    // into a prompt of its own length (a valid prompt for each: any bytes are an int8 latent).
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
  const text = $("prompt").value.trim();
  if (!text) return status($("status"), "type a few words, a trait list or a hex prompt, or press Random", "error");
  await show(() =>
    api("/api/preview/text", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text }),
    }),
  );
}

/** The app refuses uploads of 5 MB or more: say so before sending one. */
const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

async function previewPhoto() {
  const file = $("photo").files[0];
  if (!file) return;
  if (file.size >= MAX_UPLOAD_BYTES) {
    $("results").replaceChildren();
    return status($("status"), `the photo ${file.name} is ${(file.size / 1048576).toFixed(1)} MB; the limit is 5 MB`, "error");
  }
  const form = new FormData();
  form.append("file", file);
  await show(() => api("/api/preview/image", { method: "POST", body: form }), `photo ${file.name}`);
}

async function show(request, what = "prompt") {
  status($("status"), "previewing…");
  $("results").replaceChildren(); // no stale cards from the previous text or photo
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

/** How a model read the text (proofs/textprompt.py). */
const MAPPINGS = { hex: "the hex as is", traits: "by its traits", hash: "hashed from the text" };

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
    result.royaltyBps === null || result.royaltyBps === undefined ? null
      : el("p", { class: "muted royalty", "data-bps": result.royaltyBps, text: `royalty ${result.royaltyBps / 100}% of resales to the vendor (ERC-2981)` }),
    el("p", { class: "mono prompt", title: result.prompt, "data-prompt": result.prompt, "data-mapping": result.mapping || "",
      text: `prompt ${short(result.prompt, 12)}${result.mapping ? ` (${MAPPINGS[result.mapping] || result.mapping})` : ""}` }),
    el("p", { class: "muted", text: `${result.width}×${result.height}×${result.channels} · ${result.cached ? "cached" : `${(result.seconds * 1000).toFixed(0)} ms`}` }),
    el("a", { href: mint, class: "mint-link" }, el("button", { type: "button", text: "Mint this" })));
}

init();
