"""The browser tests' rig (tests/zkaigc/app/test_app_browser.py; its fixtures are in tests/zkaigc/app/conftest.py):
Debian's Chromium and its flags, where screenshots go, the app's JSON and contracts read over HTTP, and the browser
wallets the pages sign through (an EIP-1193 `window.ethereum`, two EIP-6963 wallets) as init scripts."""

import json
import os
import urllib.request
from pathlib import Path

from web3 import Web3

from proofs.files import REPO_ROOT

CHROMIUM = Path(os.environ.get("ZKAIGC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(os.environ.get("ZKAIGC_TEST_ARTIFACTS", REPO_ROOT / "test-artifacts")) / "browser"
MODELS = "micro,pixel32"


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as reply:
        return json.loads(reply.read())


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def chain_contracts(url: str, collection: str, name: str = "ERC7007Collection"):
    """web3 through the app's JSON-RPC pass-through, with the ABIs the app serves."""
    w3 = Web3(Web3.HTTPProvider(f"{url}/rpc"))
    abi = get_json(f"{url}/api/contracts")[name]["abi"]
    return w3.eth.contract(address=Web3.to_checksum_address(collection), abi=abi)


#: A browser wallet (EIP-1193) for `account`: the page signs through `window.ethereum`, which forwards to the app's
#: JSON-RPC pass-through; the dev node holds the account's key and signs `eth_sendTransaction`, as a wallet would.
#: `walletSent` lists the transactions it sent; `walletRejectNext = true` makes the user reject the next one (4001).
WALLET = """
window.walletSent = [];
window.walletRejectNext = false;
window.ethereum = {
  async request({ method, params = [] }) {
    if (method === "eth_requestAccounts" || method === "eth_accounts") return [ACCOUNT];
    if (method === "eth_sendTransaction") {
      if (window.walletRejectNext) {
        window.walletRejectNext = false;
        throw Object.assign(new Error("User rejected the request."), { code: 4001 });
      }
      window.walletSent.push(params[0]);
    }
    const reply = await fetch("/rpc", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = await reply.json();
    if (body.error) throw Object.assign(new Error(body.error.message), body.error);
    return body.result;
  },
};
"""


#: Two EIP-6963 wallets (both start on chain 1, not the app's): each announces itself, signs through the app's
#: JSON-RPC pass-through for its own account (the dev node holds the keys), answers `eth_chainId` from its own state,
#: and switches chain when asked; wallet B does not know the app's chain until `wallet_addEthereumChain` (4902).
#: `walletCalls[name]` lists the methods each was asked.
TWO_WALLETS = """
(() => {
  window.walletCalls = { A: [], B: [] };
  const make = (name, account, knowsChain) => {
    const listeners = {};
    let chainId = "0x1";
    let known = knowsChain;
    const provider = {
      on(event, fn) { (listeners[event] ||= []).push(fn); },
      removeListener() {},
      async request({ method, params = [] }) {
        window.walletCalls[name].push(method);
        if (method === "eth_requestAccounts" || method === "eth_accounts") return [account];
        if (method === "eth_chainId") return chainId;
        if (method === "wallet_addEthereumChain") { known = true; return null; }
        if (method === "wallet_switchEthereumChain") {
          if (!known) throw Object.assign(new Error("Unrecognized chain ID"), { code: 4902 });
          chainId = params[0].chainId;
          (listeners.chainChanged || []).forEach((fn) => fn(chainId));
          return null;
        }
        if (Number(chainId) !== APP_CHAIN) throw Object.assign(new Error("wrong chain"), { code: 4901 });
        const reply = await fetch("/rpc", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        });
        const body = await reply.json();
        if (body.error) throw Object.assign(new Error(body.error.message), body.error);
        return body.result;
      },
    };
    const info = {
      uuid: `uuid-${name}`, name: `Wallet ${name}`, icon: "data:image/svg+xml,<svg/>", rdns: `test.wallet.${name}`,
    };
    const announce = () =>
      window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
    window.addEventListener("eip6963:requestProvider", announce);
    announce();
  };
  make("A", ACCOUNT_A, true);
  make("B", ACCOUNT_B, false);
})();
"""
