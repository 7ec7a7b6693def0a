// Page 2: commit -> wait -> claim -> request with a max price -> watch until minted (or refund after the deadline).
// The chain work is client.js's (the Python client's verbs); this page shows each step.
import { claim, request, requestStatus, watch as watchRequest } from "./client.js";
import { startPage, api, chainNow, contract, describeError, decodeTokenUri, ethers, eth, fillAccounts, short, signerFor, status } from "./common.js";

const $ = (id) => document.getElementById(id);
let ctx;
let previewAigc = null;
let watching = null; // {model, prompt, requestId, deadline, refunding, closed}

function step(name, state, text) {
  const item = document.querySelector(`#steps li[data-step="${name}"]`);
  item.dataset.state = state;
  if (text) item.textContent = text;
}

function resetSteps() {
  for (const item of document.querySelectorAll("#steps li")) {
    item.dataset.state = "";
    item.textContent = item.dataset.step;
  }
  $("minted").hidden = true;
}

const storeKey = (collection, prompt, account) => `zkaigc-mint:${collection}:${prompt}:${account}`.toLowerCase();
const load = (key) => JSON.parse(localStorage.getItem(key) || "null");
const save = (key, value) => localStorage.setItem(key, JSON.stringify({ ...(load(key) || {}), ...value }));

function selected() {
  const model = ctx.config.models[$("model").value];
  const prompt = $("prompt").value.trim().toLowerCase();
  if (!model) throw new Error("choose a listed model");
  if (!ethers.isHexString(prompt) || ethers.dataLength(prompt) !== model.prompt_len) {
    throw new Error(`${model.name} takes a ${model.prompt_len}-byte hex prompt`);
  }
  return { model, prompt };
}

/** A random prompt of the chosen model's length (any bytes are a valid int8 latent). */
function randomPrompt() {
  const model = ctx.config.models[$("model").value];
  if (!model) return;
  $("prompt").value = ethers.hexlify(ethers.randomBytes(model.prompt_len));
}

/** The max price the form asks for, in wei; an Error in words (in ETH) if it is not an amount. */
function maxPriceWei() {
  const text = $("maxPrice").value.trim();
  try {
    const wei = ethers.parseEther(text || "0");
    if (wei < 0n) throw new Error("negative");
    return wei;
  } catch {
    throw new Error(`the max price "${text}" is not an amount in ETH (e.g. 0.001)`);
  }
}

/** Before any transaction: the model is listed and its price is at most the max price. Returns both in wei. */
async function checkPrice(model) {
  const market = contract(ctx, "ModelMarketplace", ctx.config.marketplace.address);
  const maxPrice = maxPriceWei();
  const [price] = await market.quote(model.collection);
  $("price").textContent = eth(price);
  if (price > maxPrice) {
    throw new Error(`the price is ${eth(price)}, above your max price of ${eth(maxPrice)}: nothing was sent; raise the max price to mint`);
  }
  return { price, maxPrice };
}

async function init() {
  const started = await startPage();
  if (!started) return;
  ctx = started.ctx;
  const params = started.params;
  $("prompt").value = params.get("prompt") || "";
  if (!$("prompt").value) randomPrompt(); // the page opens ready to mint, never on an error
  fillAccounts(ctx, $("account"), $("connect"));
  $("random").addEventListener("click", () => {
    randomPrompt();
    refresh();
  });
  $("model").addEventListener("change", () => {
    const model = ctx.config.models[$("model").value];
    if (model && ethers.isHexString($("prompt").value.trim()) && ethers.dataLength($("prompt").value.trim()) !== model.prompt_len) {
      randomPrompt(); // another model's prompt length: draw one of this model's
    }
  });
  $("ffLabel").hidden = !ctx.config.dev;
  $("model").addEventListener("change", refresh);
  $("prompt").addEventListener("change", refresh);
  $("mint").addEventListener("click", () => run($("mint"), mint, { marksSteps: true }));
  // refund() enables its button again itself, and only if its transaction did not go through.
  $("refund").addEventListener("click", () => run($("refund"), refund, { keepDisabled: true }));
  $("expire").addEventListener("click", () => run($("expire"), expire));
  await refresh();
}

/** The quote and the preview of the chosen (model, prompt). */
async function refresh() {
  resetSteps();
  previewAigc = null;
  $("previewImage").hidden = true;
  try {
    const { model, prompt } = selected();
    const market = contract(ctx, "ModelMarketplace", ctx.config.marketplace.address);
    const [price] = await market.quote(model.collection);
    $("price").textContent = eth(price);
    $("maxPrice").value = ethers.formatEther(price);
    const answer = await api("/api/preview", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt, models: [model.name] }),
    });
    const result = answer.results[0];
    if (result.ok) {
      previewAigc = result.aigcData;
      $("previewImage").src = result.image;
      $("previewImage").hidden = false;
    }
    status($("status"), `ready: ${model.name}, prompt ${short(prompt, 10)}`);
  } catch (error) {
    status($("status"), describeError(ctx, error), "error");
  }
}

/** Run a button's action with that button disabled from the click on, so a second click cannot send a second
 *  transaction while the first is pending; it is enabled again when the action ends, unless `keepDisabled` (the
 *  action decides). Errors are shown in words, and (marksSteps) on the step that was under way. */
async function run(button, action, { keepDisabled = false, marksSteps = false } = {}) {
  if (button.disabled) return;
  button.disabled = true;
  try {
    await action();
  } catch (error) {
    status($("status"), describeError(ctx, error), "error");
    const active = marksSteps && document.querySelector('#steps li[data-state="active"]');
    if (active) active.dataset.state = "failed";
  } finally {
    if (!keepDisabled) button.disabled = false;
  }
}

async function mint() {
  resetSteps();
  // A new mint: the previous request's refund is no longer on offer.
  watching = null;
  $("refund").hidden = true;
  $("expire").hidden = true;
  const { model, prompt } = selected();
  await checkPrice(model); // before any transaction (and before the wallet is asked for anything)
  const signer = await signerFor(ctx, $("account").value);
  const account = await signer.getAddress();
  const key = storeKey(model.collection, prompt, account);
  const collection = contract(ctx, "ERC7007Collection", model.collection, signer);
  const market = contract(ctx, "ModelMarketplace", ctx.config.marketplace.address, signer);
  const tokenId = BigInt(ethers.keccak256(prompt));

  // Already minted? Then there is nothing to pay for.
  const owner = await collection.ownerOf(tokenId).catch(() => null);
  if (owner) {
    step("minted", "done", `minted already, owned by ${short(owner)}`);
    return showMinted(model, prompt, tokenId);
  }
  // A pending request of ours for this prompt: watch it instead of paying twice.
  const pending = await market.pendingRequestOf(model.collection, prompt);
  if (pending !== 0n) {
    const found = await market.getRequest(pending);
    if (found.status === requestStatus(ctx).PENDING && found.requester.toLowerCase() === account.toLowerCase()) {
      ["committed", "claimable", "claimed"].forEach((s) => step(s, "done"));
      step("paid", "done", `paid: request #${pending}`);
      return watch(model, prompt, pending, Number(found.deadline));
    }
  }

  // 1-3. commit, wait, reveal (skipped if this account already holds a live claim on the prompt)
  await claim(ctx, collection, prompt, account, {
    salt: load(key)?.salt,
    onSalt: (salt) => save(key, { salt }),
    fastForward: $("fastForward").checked,
    onStep: step,
  });

  // 4. request with a max price, paying it into escrow (the excess over the price comes back)
  // The contract enforces the max price (PriceAboveMax): the quote may move between now and the block.
  const { price, maxPrice } = await checkPrice(model); // again: the claim took a while and the price may have moved
  const deadline = (await chainNow(ctx)) + 60 * Math.max(1, Number($("ttl").value) || 10);
  step("paid", "active", `paying ${eth(price)} (max ${eth(maxPrice)})…`);
  const { requestId, price: paid } = await request(market, model.collection, prompt, maxPrice, deadline);
  save(key, { requestId: requestId.toString(), deadline });
  step("paid", "done", `paid ${eth(paid)}: request #${requestId}`);
  return watch(model, prompt, requestId, deadline);
}

/** Follow a request until it is fulfilled (the NFT) or refunded; offer the refund once its deadline passed. */
async function watch(model, prompt, requestId, deadline) {
  const watched = (watching = { model, prompt, requestId, deadline, refunding: false, closed: false });
  const market = contract(ctx, "ModelMarketplace", ctx.config.marketplace.address);
  step("proving", "active", "waiting for the prover…");
  $("refund").hidden = false;
  $("expire").hidden = !ctx.config.dev;
  const ended = await watchRequest(ctx, market, requestId, {
    onWait: async () => {
      const now = await chainNow(ctx);
      const expired = now > deadline;
      // A refund sent (pending or mined but not yet seen here) keeps the button disabled.
      $("refund").disabled = !expired || watched.refunding;
      const progress = await api(`/api/requests/${requestId}`).catch(() => ({}));
      const left = deadline - now;
      step("proving", "active", expired ? "deadline passed: refund it" : progress.prover === "proving" ? `proving… (deadline in ${left} s)` : `waiting for the prover… (deadline in ${left} s)`);
    },
  });
  watched.closed = true;
  if (ended === "refunded") {
    step("proving", "failed", "refunded: the deadline passed unfulfilled");
    $("refund").disabled = true;
    return status($("status"), `request #${requestId} was refunded`, "ok");
  }
  step("proving", "done", "proved and verified on-chain");
  $("refund").hidden = true;
  $("expire").hidden = true;
  return showMinted(model, prompt, BigInt(ethers.keccak256(prompt)));
}

async function showMinted(model, prompt, tokenId) {
  const collection = contract(ctx, "ERC7007Collection", model.collection);
  const [uri, aigc, owner] = await Promise.all([collection.tokenURI(tokenId), collection.aigcDataOf(tokenId), collection.ownerOf(tokenId)]);
  const metadata = decodeTokenUri(uri);
  $("nftImage").src = metadata.image;
  const same = previewAigc !== null && previewAigc.toLowerCase() === aigc.toLowerCase();
  const token = "0x" + tokenId.toString(16);
  $("nftCaption").replaceChildren(
    `${metadata.name}, owned by ${short(owner)}. `,
    Object.assign(document.createElement("a"), { href: `/collection.html?model=${model.name}&token=${token}`, textContent: "see it in the collection" }),
  );
  $("minted").hidden = false;
  $("minted").dataset.matchesPreview = String(same);
  step("minted", "done", same ? "minted: identical to the preview, bit for bit" : "minted (the preview was not loaded to compare)");
  status($("status"), `minted token ${short(token, 8)} to ${short(owner)}`, "ok");
}

async function refund() {
  const request = watching;
  if (!request || request.refunding) return;
  request.refunding = true; // from the click on: the watch loop leaves the button disabled
  try {
    const signer = await signerFor(ctx, $("account").value);
    const market = contract(ctx, "ModelMarketplace", ctx.config.marketplace.address, signer);
    await (await market.refund(request.requestId)).wait();
  } catch (error) {
    // Rejected in the wallet, refused or reverted: it may be tried again while the request is still open.
    request.refunding = false;
    $("refund").disabled = request.closed;
    throw error;
  }
  status($("status"), `request #${request.requestId} refunded`, "ok");
}

async function expire() {
  if (!watching) return;
  const left = watching.deadline - (await chainNow(ctx)) + 1;
  if (left > 0) await ctx.provider.send("evm_increaseTime", [left]);
  await ctx.provider.send("evm_mine", []);
}

init();
