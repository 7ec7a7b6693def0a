// Page 3: a collection's NFTs with their on-chain image, prompt, owner, model commitment, verifier, the AigcData
// transaction with its proof, and "verify again": verify(prompt, aigcData, proof) called on-chain.
import { startPage, contract, decodeTokenUri, describeError, el, short, status } from "./common.js";

const $ = (id) => document.getElementById(id);
let ctx;

async function init() {
  const started = await startPage();
  if (!started) return;
  ctx = started.ctx;
  const params = started.params;
  $("model").addEventListener("change", show);
  await show();
}

async function show() {
  const model = ctx.config.models[$("model").value];
  if (!model) return status($("status"), "no collection is deployed", "error");
  status($("status"), "reading the chain…");
  try {
    const collection = contract(ctx, "ERC7007Collection", model.collection);
    const [name, modelHash, verifier] = await Promise.all([collection.name(), collection.modelHash(), collection.verifier()]);
    // The model card as a marketplace reads it (ERC-7572 contractURI); an older collection has none.
    const card_ = await collection.contractURI().then(decodeTokenUri).catch(() => null);
    $("about").replaceChildren(
      el("dt", { text: "name" }), el("dd", { text: name }),
      el("dt", { text: "collection" }), el("dd", { class: "mono", text: model.collection }),
      el("dt", { text: "model commitment" }), el("dd", { class: "mono", text: modelHash }),
      el("dt", { text: "verifier" }), el("dd", { class: "mono", text: verifier }),
      ...Object.entries(model.batch_verifiers || {}).flatMap(([size, address]) => [
        el("dt", { text: `batch verifier (${size})` }), el("dd", { class: "mono", text: address }),
      ]),
      el("dt", { text: "SRS" }),
      el("dd", {
        id: "srs-kind",
        class: model.srs_kind === "ceremony" ? "srs-ceremony" : "srs-dev",
        text: model.srs_kind === "ceremony"
          ? "ceremony (public KZG setup)"
          : "development SRS: whoever made it can forge proofs (test chains only; do not pay on a public network)",
      }),
      ...(card_ ? [
        el("dt", { text: "description" }), el("dd", { class: "card-description", text: card_.description }),
        el("dt", { text: "training data" }), el("dd", { class: "card-license", text: card_.training_data_license }),
        el("dt", { text: "model card SRS" }), el("dd", { class: "card-srs", text: card_.srs_kind }),
        el("dt", { text: "royalty" }), el("dd", { class: "card-royalty", text: `${card_.seller_fee_basis_points / 100}% to ${short(card_.fee_recipient)} (ERC-2981)` }),
      ] : []),
    );
    // One AigcData event per token, emitted at mint: it carries the proof (prompt and aigcData are indexed).
    const events = await collection.queryFilter(collection.filters.AigcData(), model.block || 0, "latest");
    const cards = await Promise.all(events.map((event) => card(collection, { modelHash, verifier }, event)));
    $("tokens").replaceChildren(...cards.reverse());
    status($("status"), `${cards.length} NFT${cards.length === 1 ? "" : "s"} in ${name}`, "ok");
    const wanted = new URLSearchParams(location.search).get("token");
    if (wanted) document.querySelector(`[data-token="${wanted.toLowerCase()}"]`)?.scrollIntoView();
  } catch (error) {
    status($("status"), describeError(ctx, error), "error");
  }
}

async function card(collection, model, event) {
  const tokenId = event.args.tokenId;
  const proof = event.args.proof;
  const [uri, owner, prompt] = await Promise.all([collection.tokenURI(tokenId), collection.ownerOf(tokenId), collection.prompt(tokenId)]);
  const metadata = decodeTokenUri(uri);
  const verdict = el("span", { class: "verdict" });
  const button = el("button", { type: "button", class: "secondary verify", text: "Verify again" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    verdict.textContent = "verifying on-chain…";
    delete verdict.dataset.ok;
    try {
      const aigc = await collection.aigcDataOf(tokenId);
      const started = performance.now();
      const ok = await collection.verify(prompt, aigc, proof);
      verdict.dataset.ok = String(ok);
      verdict.textContent = `verify(prompt, aigcData, proof) = ${ok} (${Math.round(performance.now() - started)} ms)`;
    } catch (error) {
      verdict.dataset.ok = "false";
      verdict.textContent = describeError(ctx, error);
    } finally {
      button.disabled = false;
    }
  });
  const token = "0x" + tokenId.toString(16);
  return el("article", { class: "card", "data-token": token },
    el("h2", { text: metadata.name }),
    el("img", { class: "pixels", src: metadata.image, alt: metadata.name, width: 256, height: 256 }),
    el("dl", {},
      el("dt", { text: "prompt" }), el("dd", { class: "mono prompt", text: prompt }),
      el("dt", { text: "owner" }), el("dd", { class: "mono owner", title: owner, text: short(owner) }),
      el("dt", { text: "model" }), el("dd", { class: "mono", title: model.modelHash, text: short(model.modelHash, 8) }),
      el("dt", { text: "verifier" }), el("dd", { class: "mono", title: model.verifier, text: short(model.verifier) }),
      el("dt", { text: "AigcData tx" }), el("dd", { class: "mono", title: event.transactionHash, text: short(event.transactionHash, 8) }),
      el("dt", { text: "proof" }), el("dd", { class: "mono", title: proof, text: `${(proof.length - 2) / 2} bytes ${short(proof, 8)}` }),
      el("dt", { text: "block" }), el("dd", { text: String(event.blockNumber) }),
      el("dt", { text: "traits" }), el("dd", { class: "attributes" },
        ...(metadata.attributes || []).map((a) => el("span", { class: "trait", "data-trait": a.trait_type, title: a.value, text: `${a.trait_type}: ${a.value.startsWith("0x") ? short(a.value, 8) : a.value}` }))),
    ),
    el("div", {}, button, " ", verdict));
}

init();
