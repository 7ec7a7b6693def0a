"""The dApp in a real, headless Chromium (Debian's, driven by Playwright through `executable_path`), against the app
exactly as `make app` starts it (`ape run app`: its own anvil, deploy, embedded prover) with micro and pixel32.

A photo is previewed on both models, and its prompt and preview are those of `python -m proofs encode`
(`proofs.style`); each preview is minted through the mint page (commit -> claim -> pay -> proving -> minted), the
minted token's on-chain aigcData and bitmap equal the preview bit for bit, the NFT appears on the collection page
and "verify again" answers true. A request the prover cannot serve is refunded through the page from a browser
wallet (an EIP-1193 `window.ethereum` whose account the node holds), and the wallet's balance rises by the price;
a refund the user rejects in the wallet sends nothing and is offered again, and a double click sends one refund.
Screenshots of each page go to `test-artifacts/browser/` (or `$ZKAIGC_TEST_ARTIFACTS/browser/`). Chromium comes
from `make browser` (tools/chromium.sh); without it the tests skip with that reason. The rig (the app, Chromium, the
browser wallets): tests/zkaigc/app/conftest.py and tests/support/browser.py.
"""

import base64
import io
import json
import os
import time

import pytest
from PIL import Image
from web3 import Web3

from proofs import style
from proofs.model_artifacts import ModelArtifacts
from support.browser import ARTIFACTS, TWO_WALLETS, WALLET, chain_contracts, get_json, shot
from support.metadata import TokenMetadata
from zkaigc.enums import RequestStatus

pytestmark = pytest.mark.slow  # starts the app (anvil, two deployments) and mints through the pages: ~1 min


@pytest.mark.parametrize("model", ["micro", "pixel32"])  # the test model, then a showcase model (a real pixel proof)
def test_pages_mint_a_photos_preview_that_equals_the_nft_bit_for_bit_if_user_follows_them(page, app_url, photo, model):
    timings = {}
    # 1. Try: the photo on every listed model, side by side, with prices.
    started = time.perf_counter()
    page.goto(app_url + "/")
    page.wait_for_function("document.querySelector('#status').textContent.includes('models listed')")
    timings["try_page_load_s"] = time.perf_counter() - started
    page.set_input_files("#photo", str(photo))
    page.wait_for_function("document.querySelector('#status').dataset.kind === 'ok'", timeout=60_000)
    cards = page.locator("#results article")
    assert cards.count() == 2
    assert page.locator("article[data-model=pixel32] img.pixels").is_visible()
    if model == "micro":  # the first mint of the module: micro's listing is still at its spot price
        assert page.locator("article[data-model=micro] .price").text_content() == "0.000001 ETH"
    preview_aigc = page.get_attribute(f"article[data-model={model}]", "data-aigc")
    preview_png = page.get_attribute(f"article[data-model={model}] img.pixels", "src")
    styled = style.encode(photo, model)  # what `python -m proofs encode` gives the same photo
    assert preview_aigc == "0x" + styled.aigc.hex()
    shot(page, f"try-{model}")

    # 2. Mint the model's preview: commit -> claimable -> claimed -> paid -> proving -> minted.
    page.click(f"article[data-model={model}] a.mint-link")
    page.wait_for_selector("#previewImage:not([hidden])")
    prompt = page.input_value("#prompt")
    assert prompt == "0x" + styled.prompt.hex()
    started = time.perf_counter()
    page.click("#mint")
    page.wait_for_selector("#minted:not([hidden])", timeout=180_000)
    timings["mint_flow_s"] = time.perf_counter() - started
    assert page.get_attribute("#minted", "data-matches-preview") == "true"
    steps = page.locator("#steps li")
    assert [steps.nth(i).get_attribute("data-state") for i in range(6)] == ["done"] * 6
    assert "identical to the preview, bit for bit" in steps.nth(5).text_content()
    shot(page, f"mint-{model}")

    # The token on-chain: its aigcData is the preview's bytes, and its bitmap has the preview's pixels.
    config = get_json(f"{app_url}/api/config")
    collection = chain_contracts(app_url, config["models"][model]["collection"])
    token_id = int.from_bytes(Web3.keccak(hexstr=prompt), "big")
    assert "0x" + collection.functions.aigcDataOf(token_id).call().hex().removeprefix("0x") == preview_aigc
    art = ModelArtifacts(model)
    channels, height, width = art.output_shape()  # the proven grid; the token's bitmap is drawn ×render
    height, width = height * art.render_factor(), width * art.render_factor()
    meta = TokenMetadata.parse_token_uri(collection.functions.tokenURI(token_id).call())
    _svg, bmp = TokenMetadata.svg_bitmap(meta["image"])
    minted_rows = TokenMetadata.image_rows(TokenMetadata.decode_bmp(bmp), channels)
    png = Image.open(io.BytesIO(base64.b64decode(preview_png.split(",", 1)[1])))
    preview_rows = TokenMetadata.image_rows(png.resize((width, height), Image.NEAREST), channels)
    assert minted_rows == preview_rows
    assert collection.functions.ownerOf(token_id).call() == config["accounts"][2]["address"]

    # 3. The collection: the NFT with its on-chain image, prompt and owner; "verify again" calls verify() -> true.
    started = time.perf_counter()
    page.click("#nftCaption a")
    card = page.locator(f"article[data-token='{hex(token_id)}']")
    card.wait_for()
    timings["collection_page_load_s"] = time.perf_counter() - started
    assert card.locator(".prompt").text_content() == prompt
    assert card.locator('.trait[data-trait="Model"]').get_attribute("title") == f"zkaigc {model}"  # tokenURI attributes
    assert page.text_content("#about .card-srs") == "development"  # the model card (contractURI)
    assert card.locator("img.pixels").get_attribute("src").startswith("data:image/svg+xml;base64,")
    card.locator("button.verify").click()
    verdict = card.locator(".verdict[data-ok]")
    verdict.wait_for()
    assert verdict.get_attribute("data-ok") == "true"
    assert "verify(prompt, aigcData, proof) = true" in verdict.text_content()
    shot(page, f"collection-{model}")
    (ARTIFACTS / f"timings-{model}.json").write_text(json.dumps(timings, indent=2))
    assert timings["try_page_load_s"] < 5 and timings["collection_page_load_s"] < 5  # targets: 1 s on an idle box


def test_mint_page_stops_before_any_transaction_and_says_so_in_eth_if_max_price_is_below_the_price(page, app_url):
    config = get_json(f"{app_url}/api/config")
    account = config["accounts"][3]["address"]
    w3 = Web3(Web3.HTTPProvider(f"{app_url}/rpc"))
    nonce = w3.eth.get_transaction_count(account)
    prompt = "0x" + os.urandom(4).hex()
    page.goto(f"{app_url}/mint.html?model=micro&prompt={prompt}")
    page.wait_for_selector("#previewImage:not([hidden])")
    page.select_option("#account", account)
    page.fill("#maxPrice", "0")
    page.click("#mint")
    page.wait_for_function("document.querySelector('#status').dataset.kind === 'error'", timeout=60_000)
    message = page.text_content("#status")
    assert message.startswith("the price is 0.0000") and " ETH, above your max price of 0.0 ETH" in message
    assert "nothing was sent" in message and "wei" not in message
    assert [page.get_attribute(f'#steps li[data-step="{s}"]', "data-state") for s in ("committed", "paid")] == ["", ""]
    assert w3.eth.get_transaction_count(account) == nonce  # not even the commit was sent
    page.fill("#maxPrice", "not a number")
    page.click("#mint")
    page.wait_for_function("document.querySelector('#status').textContent.includes('is not an amount in ETH')")
    assert w3.eth.get_transaction_count(account) == nonce
    shot(page, "mint-error")

    # A max price above the price mints.
    page.fill("#maxPrice", "0.01")
    page.click("#mint")
    page.wait_for_selector("#minted:not([hidden])", timeout=180_000)
    assert "claimed by" in page.text_content('#steps li[data-step="claimed"]')


def test_mint_page_opens_ready_with_a_random_prompt_if_none_is_given(page, app_url):
    page.goto(f"{app_url}/mint.html?model=micro")
    page.wait_for_selector("#previewImage:not([hidden])")
    first = page.input_value("#prompt")
    assert len(bytes.fromhex(first.removeprefix("0x"))) == 4
    assert page.get_attribute("#status", "data-kind") != "error"
    page.click("#random")
    page.wait_for_function(f"document.querySelector('#prompt').value !== {json.dumps(first)}")
    page.wait_for_selector("#previewImage:not([hidden])")
    assert page.get_attribute("#status", "data-kind") != "error"


def test_try_page_previews_one_text_on_every_model_with_its_own_prompt_if_lengths_differ(page, app_url):
    page.goto(app_url + "/")
    page.wait_for_function("document.querySelector('#status').textContent.includes('models listed')")
    page.fill("#prompt", "a red fox at dawn")
    page.click("#go")
    page.wait_for_function("document.querySelector('#status').dataset.kind === 'ok'", timeout=60_000)
    assert page.locator("#results article.error").count() == 0
    for model, length in (("micro", 4), ("pixel32", 16)):
        prompt = page.get_attribute(f"article[data-model={model}] .prompt", "data-prompt")
        assert len(bytes.fromhex(prompt[2:])) == length
        assert page.get_attribute(f"article[data-model={model}] .prompt", "data-mapping") == "hash"
        assert page.get_attribute(f"article[data-model={model}] .royalty", "data-bps") == "500"  # the vendor's rate
    page.click("#random")  # a random prompt for each model, none failing
    page.wait_for_function("document.querySelector('#status').textContent.startsWith('prompt: 2 of 2')")
    assert page.locator("#results article.error").count() == 0


def test_mint_page_mints_through_the_chosen_eip6963_wallet_if_it_starts_on_another_chain(page, app_url):
    config = get_json(f"{app_url}/api/config")
    account_a, account_b = (config["accounts"][i]["address"] for i in (6, 7))
    script = (
        TWO_WALLETS.replace("ACCOUNT_A", json.dumps(account_a))
        .replace("ACCOUNT_B", json.dumps(account_b))
        .replace("APP_CHAIN", str(config["chainId"]))
    )
    page.add_init_script(script)
    prompt = "0x" + os.urandom(4).hex()
    page.goto(f"{app_url}/mint.html?model=micro&prompt={prompt}")
    page.wait_for_selector("#previewImage:not([hidden])")
    options = page.eval_on_selector_all("#account option", "os => os.map(o => [o.value, o.textContent])")
    assert ["wallet:uuid-A", "Wallet A"] in options and ["wallet:uuid-B", "Wallet B"] in options
    assert "wallet" not in [value for value, _ in options]  # window.ethereum is only the fallback
    page.select_option("#account", "wallet:uuid-B")
    page.click("#connect")
    page.wait_for_function("document.querySelector('#walletState').dataset.account !== undefined", timeout=30_000)
    assert page.get_attribute("#walletState", "data-account").lower() == account_b.lower()
    calls = page.evaluate("window.walletCalls")
    # B did not know the chain: switch (4902) -> add -> switch.
    assert calls["B"][:5] == [
        "eth_requestAccounts",
        "eth_chainId",
        "wallet_switchEthereumChain",
        "wallet_addEthereumChain",
        "eth_chainId",
    ]
    assert "wallet_switchEthereumChain" in calls["B"][5:]
    page.click("#mint")
    page.wait_for_selector("#minted:not([hidden])", timeout=180_000)
    collection = chain_contracts(app_url, config["models"]["micro"]["collection"])
    token_id = int.from_bytes(Web3.keccak(hexstr=prompt), "big")
    assert collection.functions.ownerOf(token_id).call() == account_b
    calls = page.evaluate("window.walletCalls")
    assert "eth_sendTransaction" in calls["B"] and "eth_sendTransaction" not in calls["A"]
    shot(page, "mint-eip6963")


def test_mint_page_refunds_the_price_to_the_wallet_if_the_deadline_passes_unfulfilled(page, app_url):
    # Last in the module: it moves the chain's clock past the request's deadline.
    config = get_json(f"{app_url}/api/config")
    vendor, prover, wallet = (config["accounts"][i]["address"] for i in (0, 1, 5))
    market = chain_contracts(app_url, config["marketplace"]["address"], "ModelMarketplace")
    collection = config["models"]["micro"]["collection"]
    w3 = market.w3
    # The vendor takes its prover off micro: the embedded prover skips the request, so its deadline passes.
    w3.eth.wait_for_transaction_receipt(
        market.functions.setProver(collection, prover, False).transact({"from": vendor})
    )
    try:
        page.add_init_script(WALLET.replace("ACCOUNT", json.dumps(wallet)))
        prompt = "0x" + os.urandom(4).hex()
        page.goto(f"{app_url}/mint.html?model=micro&prompt={prompt}")
        page.wait_for_selector("#previewImage:not([hidden])")
        page.select_option("#account", "wallet")
        page.click("#mint")
        page.wait_for_selector('#steps li[data-step="paid"][data-state="done"]', timeout=60_000)
        request_id = market.functions.pendingRequestOf(collection, prompt).call()
        price = market.functions.getRequest(request_id).call()[4]
        assert request_id != 0 and price > 0
        assert page.is_disabled("#refund")  # not before the deadline
        page.click("#expire")
        page.wait_for_selector("#refund:not([disabled])", timeout=30_000)
        assert page.is_disabled("#mint")  # still watching the request: no second mint meanwhile
        escrowed, balance = market.functions.totalEscrowed().call(), w3.eth.get_balance(wallet)
        nonce, sent = w3.eth.get_transaction_count(wallet), page.evaluate("window.walletSent.length")

        # The user rejects the refund in the wallet: nothing is sent, and the button is offered again.
        page.evaluate("window.walletRejectNext = true")
        page.click("#refund")
        page.wait_for_function("document.querySelector('#status').dataset.kind === 'error'", timeout=30_000)
        assert "rejected" in page.text_content("#status")
        page.wait_for_selector("#refund:not([disabled])", timeout=30_000)
        assert page.evaluate("window.walletSent.length") == sent
        assert w3.eth.get_transaction_count(wallet) == nonce
        assert market.functions.getRequest(request_id).call()[2] == RequestStatus.PENDING

        # A double click sends one refund: the button is disabled from the first click on, while the transaction
        # is pending and after it is mined, before the page's poll sees the request refunded.
        page.dblclick("#refund")
        assert page.is_disabled("#refund")
        refunded_disabled = page.wait_for_function(
            "document.querySelector('#status').textContent.endsWith(' refunded')"
            " && String(document.querySelector('#refund').disabled)",
            timeout=30_000,
        )
        assert refunded_disabled.json_value() == "true"
        proving = page.locator('#steps li[data-step="proving"][data-state="failed"]')  # the page saw it on-chain
        proving.wait_for(timeout=30_000)
        assert "refunded" in proving.text_content() and page.is_disabled("#refund")
        assert page.get_attribute("#status", "data-kind") == "ok"  # no second, doomed refund
        page.wait_for_selector("#mint:not([disabled])", timeout=30_000)  # the watch is over: a new mint may start
        assert page.evaluate("window.walletSent.length") == sent + 1
        assert w3.eth.get_transaction_count(wallet) == nonce + 1
        shot(page, "mint-refund")
    finally:
        w3.eth.wait_for_transaction_receipt(
            market.functions.setProver(collection, prover, True).transact({"from": vendor})
        )
    [refunded] = market.events.Refunded().get_logs(from_block=0, argument_filters={"requestId": request_id})
    assert refunded.args.requester == wallet and refunded.args.amount == price
    receipt = w3.eth.get_transaction_receipt(refunded.transactionHash)
    assert receipt["from"] == wallet  # sent through window.ethereum
    fee = receipt.gasUsed * receipt.effectiveGasPrice
    assert w3.eth.get_balance(wallet) == balance + price - fee
    assert market.functions.totalEscrowed().call() == escrowed - price
    assert market.functions.getRequest(request_id).call()[2] == RequestStatus.REFUNDED
