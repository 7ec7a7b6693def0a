// Shared by the three pages: the API, the chain (ethers 6, vendored from npm), signing, and errors in words.
import * as ethers from "../vendor/ethers.min.js";
import { createStore } from "../vendor/mipd/index.js";

export { ethers };

/** EIP-6963 (multi injected provider discovery, npm's `mipd`, vendored): every browser wallet that announces
 *  itself, collected from the page's start on. */
const walletStore = createStore();

/** The browser wallets: the EIP-6963 announcements, or `window.ethereum` (EIP-1193) as the one fallback when no
 *  wallet announces itself. Each: {id (the account picker's value), name, provider}. */
export function wallets() {
  const announced = walletStore.getProviders().map((d) => ({ id: `wallet:${d.info.uuid}`, name: d.info.name, rdns: d.info.rdns, provider: d.provider }));
  if (announced.length) return announced;
  return window.ethereum ? [{ id: "wallet", name: "browser wallet (window.ethereum)", provider: window.ethereum }] : [];
}

function walletFor(choice) {
  const wallet = wallets().find((w) => w.id === choice);
  if (!wallet) throw new Error(choice === "wallet" ? "no browser wallet (window.ethereum) found" : "that wallet is gone: pick another");
  return wallet;
}

/** Ask `provider` to be on the app's chain: `wallet_switchEthereumChain`, and if the wallet does not know the chain
 *  (4902), `wallet_addEthereumChain` with the app's RPC, then switch. */
export async function ensureChain(ctx, provider) {
  const want = BigInt(ctx.config.chainId);
  const chainId = "0x" + want.toString(16);
  const current = BigInt(await provider.request({ method: "eth_chainId" }));
  if (current === want) return;
  try {
    await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
  } catch (error) {
    const code = error?.code ?? error?.data?.originalError?.code;
    if (code !== 4902) throw new Error(`the wallet is on chain ${current} and did not switch to chain ${want}: ${error?.message || error}`);
    await provider.request({
      method: "wallet_addEthereumChain",
      params: [{
        chainId,
        chainName: `zkaigc (${ctx.config.network || `chain ${want}`})`,
        rpcUrls: [new URL(ctx.config.rpc || "/rpc", location.href).href],
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      }],
    });
    if (BigInt(await provider.request({ method: "eth_chainId" })) !== want) {
      await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
    }
  }
  const now = BigInt(await provider.request({ method: "eth_chainId" }));
  if (now !== want) throw new Error(`the wallet is on chain ${now}; switch it to chain ${want}`);
}

/** GET/POST JSON from the app's API; throws an Error carrying the API's {code, message}. */
export async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body?.error?.message || `${response.status} ${response.statusText}`);
    error.code = body?.error?.code;
    error.status = response.status;
    throw error;
  }
  return body;
}

let configPromise;
/** The deployment the app serves (/api/config), the contracts' ABIs and error notices (/api/contracts), and their
 *  enums (/api/enums; as bigints, as ethers reads them: `ctx.enums.RequestStatus.PENDING`). */
export function loadConfig() {
  configPromise ??= Promise.all([api("/api/config"), api("/api/contracts"), api("/api/enums")]).then(([config, contracts, served]) => {
    const rpc = new URL(config.rpc || "/rpc", location.href).href;
    const provider = new ethers.JsonRpcProvider(rpc, config.chainId, { staticNetwork: true, batchMaxCount: 1 });
    provider.pollingInterval = 500;
    const errors = new ethers.Interface(
      Object.values(contracts).flatMap((c) => c.abi.filter((item) => item.type === "error")),
    );
    const notices = Object.assign({}, ...Object.values(contracts).map((c) => c.errors));
    const enums = Object.fromEntries(
      Object.entries(served).map(([name, members]) => [name, Object.fromEntries(Object.entries(members).map(([k, v]) => [k, BigInt(v)]))]),
    );
    return { config, contracts, provider, errors, notices, enums };
  });
  return configPromise;
}

/** A contract bound to a runner (a provider for reads, a signer for transactions). */
/** A page's start: the app's config, the model picker filled (and preselected from `?model=`), and the query.
 *  Returns null (after saying why in #status) if the app cannot be reached. */
export async function startPage() {
  let ctx;
  try {
    ctx = await loadConfig();
  } catch (error) {
    status(document.getElementById("status"), `cannot reach the app: ${error.message}`, "error");
    return null;
  }
  const params = new URLSearchParams(location.search);
  const picker = document.getElementById("model");
  for (const name of Object.keys(ctx.config.models)) picker.append(new Option(name, name));
  if (params.get("model")) picker.value = params.get("model");
  return { ctx, params };
}

export function contract(ctx, name, address, runner) {
  return new ethers.Contract(address, ctx.contracts[name].abi, runner || ctx.provider);
}

/** The signer for `choice`: a browser wallet (`wallet` for window.ethereum, `wallet:<uuid>` for an EIP-6963 one;
 *  asked for its accounts and to switch to the app's chain) or an unlocked account's address. */
export async function signerFor(ctx, choice) {
  if (choice === "wallet" || choice.startsWith("wallet:")) {
    const { provider } = walletFor(choice);
    await provider.request({ method: "eth_requestAccounts" });
    await ensureChain(ctx, provider);
    return new ethers.BrowserProvider(provider).getSigner();
  }
  // A local development chain: the node holds the key and signs (eth_sendTransaction from an unlocked account).
  return new ethers.JsonRpcSigner(ctx.provider, choice);
}

/** Fill an account <select>: the node's unlocked accounts (dev chains) and every browser wallet, again whenever a
 *  wallet announces itself (EIP-6963). With a `connect` button: it connects the chosen (or first) wallet, asks it
 *  to switch to the app's chain, and follows its account and chain changes in `#walletState`. */
export function fillAccounts(ctx, select, connect) {
  const fill = () => {
    const chosen = select.value;
    select.replaceChildren();
    const accounts = ctx.config.accounts || [];
    accounts.forEach((account, i) => {
      const label = `#${i} ${short(account.address)}${account.role ? ` (${account.role})` : ""}`;
      select.append(new Option(label, account.address));
    });
    for (const wallet of wallets()) select.append(new Option(wallet.name, wallet.id));
    const user = accounts.find((a) => !a.role);
    if (chosen && [...select.options].some((o) => o.value === chosen)) select.value = chosen;
    else if (user) select.value = user.address;
    else if (wallets().length) select.value = wallets()[0].id;
    if (connect) connect.hidden = !wallets().length;
  };
  fill();
  walletStore.subscribe(fill);
  if (!connect) return;
  const state = document.getElementById("walletState");
  const followed = new Set();
  connect.addEventListener("click", async () => {
    connect.disabled = true;
    try {
      const choice = select.value.startsWith("wallet") ? select.value : wallets()[0]?.id;
      if (!choice) throw new Error("no browser wallet found");
      const wallet = walletFor(choice);
      const [account] = await wallet.provider.request({ method: "eth_requestAccounts" });
      await ensureChain(ctx, wallet.provider);
      select.value = wallet.id;
      if (state) state.textContent = `${wallet.name}: ${short(account)} on chain ${ctx.config.chainId}`;
      if (state) state.dataset.account = account;
      if (!followed.has(wallet.id)) {
        followed.add(wallet.id);
        wallet.provider.on?.("accountsChanged", (accounts) => {
          if (!state) return;
          state.textContent = accounts.length ? `${wallet.name}: ${short(accounts[0])}` : `${wallet.name}: disconnected`;
          state.dataset.account = accounts[0] || "";
        });
        wallet.provider.on?.("chainChanged", (chainId) => {
          if (!state) return;
          const on = BigInt(chainId);
          state.textContent = `${wallet.name}: on chain ${on}${on === BigInt(ctx.config.chainId) ? "" : ` (the app's is ${ctx.config.chainId}: minting asks to switch back)`}`;
        });
      }
      status(document.getElementById("status"), `connected ${wallet.name}`, "ok");
    } catch (error) {
      status(document.getElementById("status"), describeError(ctx, error), "error");
    } finally {
      connect.disabled = false;
    }
  });
}

/** The revert data inside an ethers error, if any. */
function revertData(error) {
  const candidates = [error?.data, error?.info?.error?.data, error?.error?.data, error?.info?.error?.data?.data];
  return candidates.find((d) => typeof d === "string" && d.startsWith("0x") && d.length >= 10);
}

/** An error in words: a contract's custom error decoded with the ABI and explained by its NatSpec notice. */
export function describeError(ctx, error) {
  const data = revertData(error);
  if (data && ctx) {
    try {
      const parsed = ctx.errors.parseError(data);
      if (parsed) {
        const names = parsed.fragment.inputs.map((input) => input.name);
        let notice = ctx.notices[parsed.signature] || "";
        names.forEach((name, i) => {
          notice = notice.replaceAll("`" + name + "`", `${name} (${formatArg(parsed.args[i], name)})`);
        });
        if (!notice) notice = `reverted with ${names.map((n, i) => `${n} = ${formatArg(parsed.args[i], n)}`).join(", ")}`;
        return `${parsed.name}: ${notice.replaceAll("`", "")}`;
      }
    } catch {
      // not one of our contracts' errors: fall through
    }
  }
  return error?.shortMessage || error?.reason || error?.message || String(error);
}

/** Argument names that are amounts of wei: shown in ETH, like every amount on the pages. */
const AMOUNTS = /price|amount|paid|value|fee|balance/i;

function formatArg(value, name = "") {
  if (typeof value === "bigint" && AMOUNTS.test(name)) return eth(value);
  if (typeof value === "bigint") return value > 10n ** 15n ? "0x" + value.toString(16) : value.toString();
  return String(value);
}

export function short(hex, keep = 6) {
  if (!hex) return "";
  return hex.length > 2 * keep + 4 ? `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}` : hex;
}

export function eth(wei) {
  return wei === null || wei === undefined ? "not listed" : `${ethers.formatEther(BigInt(wei))} ETH`;
}

/** tokenURI (base64 JSON, from the chain) -> its metadata object. */
export function decodeTokenUri(uri) {
  const prefix = "data:application/json;base64,";
  if (!uri.startsWith(prefix)) throw new Error("tokenURI is not base64 JSON");
  const bytes = ethers.decodeBase64(uri.slice(prefix.length));
  return JSON.parse(ethers.toUtf8String(bytes));
}

/** Build an element: el("div", {class: "card"}, child, "text"). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** Show a message in the page's status line (kind: "info" | "error" | "ok"). */
export function status(target, message, kind = "info") {
  target.textContent = message;
  target.dataset.kind = kind;
}

/** The current chain time: the later of the latest block's timestamp and the wall clock (anvil mines on demand). */
export async function chainNow(ctx) {
  const block = await ctx.provider.getBlock("latest");
  return Math.max(Number(block.timestamp), Math.floor(Date.now() / 1000));
}
