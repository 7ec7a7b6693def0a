"""The foundation's smoke contract: OpenZeppelin 5 through the offline compiler, deployed on anvil."""

import ape


def test_constructor_sets_owner_and_metadata(first_nft, deployer):
    assert first_nft.owner() == deployer
    assert first_nft.name() == "zkaigc first"
    assert first_nft.symbol() == "ZKF"
    assert first_nft.nextTokenId() == 1


def test_mint_assigns_sequential_ids_and_emits_transfer(first_nft, deployer, user):
    tx = first_nft.mint(user, sender=deployer)
    logs = tx.decode_logs(first_nft.Transfer)
    assert len(logs) == 1
    assert logs[0].to == user and logs[0].tokenId == 1
    first_nft.mint(user, sender=deployer)
    assert first_nft.ownerOf(1) == user
    assert first_nft.ownerOf(2) == user
    assert first_nft.balanceOf(user) == 2
    assert first_nft.nextTokenId() == 3


def test_mint_reverts_if_caller_is_not_owner(first_nft, stranger):
    with ape.reverts(first_nft.OwnableUnauthorizedAccount, account=stranger):
        first_nft.mint(stranger, sender=stranger)
    assert first_nft.balanceOf(stranger) == 0
    assert first_nft.nextTokenId() == 1


def test_owner_of_reverts_if_token_does_not_exist(first_nft):
    with ape.reverts(first_nft.ERC721NonexistentToken, tokenId=7):
        first_nft.ownerOf(7)


def test_transfer_reverts_if_sender_is_not_approved(first_nft, deployer, user, stranger):
    first_nft.mint(user, sender=deployer)
    with ape.reverts(first_nft.ERC721InsufficientApproval, operator=stranger, tokenId=1):
        first_nft.transferFrom(user, stranger, 1, sender=stranger)
    assert first_nft.ownerOf(1) == user
