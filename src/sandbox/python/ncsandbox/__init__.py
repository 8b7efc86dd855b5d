"""Host side of the sandbox: loads on-chain blueprint code the way the node does and describes it."""
