"""`ape run demo`: the end-to-end demo on the local anvil chain.

For now (foundation): compile, deploy the foundation contract on anvil, mint one token and print addresses.
"""

import click
from ape import project
from ape.cli import ConnectedProviderCommand, account_option


@click.command(cls=ConnectedProviderCommand)
@account_option()
def cli(ecosystem, network, provider, account):
    """Deploy the contracts to the connected network (default: local anvil) and print their addresses."""
    click.echo(f"network: {ecosystem.name}:{network.name}:{provider.name} (chain id {provider.chain_id})")
    nft = project.FirstNFT.deploy(account, sender=account)
    tx = nft.mint(account, sender=account)
    click.echo(f"FirstNFT deployed at {nft.address}")
    click.echo(f"minted token 1 to {account.address} (gas used {tx.gas_used})")
