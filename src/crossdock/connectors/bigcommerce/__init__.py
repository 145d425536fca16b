"""The BigCommerce connector: orders (V2), shipments with order addresses, absolute inventory."""
