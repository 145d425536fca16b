"""Every GraphQL document the Shopify connector sends (Admin API 2025-01), in one place.

A contract test validates each document here against the published introspection schema,
so a field renamed or removed by Shopify fails a test, not a merchant's sync.
"""

from __future__ import annotations

API_VERSION = "2025-01"

#: Orders per page of the change list (ids and change times only: cheap).
ORDER_PAGE_SIZE = 50
#: Lines read per order. Shopify admits a call by its *requested* cost (each paged field
#: counts ``first`` times its selection, at most 1000 points), so one order with its lines,
#: fulfilment orders and refunds is read per call; an order with more lines is a problem.
ORDER_LINES = 25
#: Variants per page of the listings pull.
VARIANT_PAGE_SIZE = 100

_ORDER_FIELDS = """
fragment CrossdockMoney on MoneyBag { shopMoney { amount currencyCode } }

fragment CrossdockAddress on MailingAddress {
  name company phone address1 address2 city province provinceCode zip countryCodeV2
}

fragment CrossdockAllocation on DiscountAllocation {
  allocatedAmountSet { ...CrossdockMoney }
  discountApplication { index }
}

fragment CrossdockOrder on Order {
  id
  name
  createdAt
  updatedAt
  cancelledAt
  cancelReason
  closed
  test
  email
  phone
  note
  tags
  sourceName
  currencyCode
  displayFinancialStatus
  displayFulfillmentStatus
  paymentGatewayNames
  discountCodes
  totalWeight
  customAttributes { key value }
  customer {
    id
    displayName
    phone
  }
  billingAddress { ...CrossdockAddress }
  shippingAddress { ...CrossdockAddress }
  currentTotalTaxSet { ...CrossdockMoney }
  totalShippingPriceSet { ...CrossdockMoney }
  shippingLines(first: 5) {
    nodes { title code discountAllocations { ...CrossdockAllocation } }
  }
  discountApplications(first: 10) {
    nodes {
      __typename
      index
      ... on DiscountCodeApplication { code }
      ... on ManualDiscountApplication { title description }
      ... on AutomaticDiscountApplication { title }
      ... on ScriptDiscountApplication { title }
    }
  }
  lineItems(first: 25) {
    pageInfo { hasNextPage }
    nodes {
      id
      sku
      name
      quantity
      currentQuantity
      requiresShipping
      originalUnitPriceSet { ...CrossdockMoney }
      image { url }
      discountAllocations { ...CrossdockAllocation }
      variant {
        id
        barcode
        selectedOptions { name value }
        inventoryItem { measurement { weight { unit value } } }
      }
    }
  }
  fulfillmentOrders(first: 3) {
    nodes {
      assignedLocation { name }
      lineItems(first: 25) { nodes { lineItem { id } } }
    }
  }
  refunds(first: 5) {
    id
    createdAt
    note
    totalRefundedSet { ...CrossdockMoney }
    refundLineItems(first: 10) {
      nodes { quantity restocked lineItem { id sku } subtotalSet { ...CrossdockMoney } }
    }
  }
}
"""

#: The orders changed since a time, oldest change first: ids only, each read with ORDER.
ORDERS = """
query CrossdockOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { id updatedAt }
  }
}
"""

ORDER = (
    """
query CrossdockOrder($id: ID!) {
  order(id: $id) { ...CrossdockOrder }
}
"""
    + _ORDER_FIELDS
)

#: What a shipment needs to know first: where each line waits, and what was sent already.
FULFILLMENT_ORDERS = """
query CrossdockFulfillmentOrders($id: ID!) {
  order(id: $id) {
    id
    displayFulfillmentStatus
    fulfillments(first: 20) {
      id
      trackingInfo(first: 3) { company number url }
    }
    fulfillmentOrders(first: 5) {
      nodes {
        id
        status
        assignedLocation { location { id } }
        supportedActions { action }
        lineItems(first: 50) {
          nodes { id remainingQuantity lineItem { id sku } }
        }
      }
    }
  }
}
"""

FULFILLMENT_CREATE = """
mutation CrossdockFulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo(first: 3) { company number url } }
    userErrors { field message }
  }
}
"""

#: A shipment Crossdock sent, remembered on the order by its idempotency key (a metafield:
#: Shopify keeps nothing of ours on a fulfilment itself).
SHIPMENT_RECORD = """
query CrossdockShipmentRecord($id: ID!, $key: String!) {
  order(id: $id) { id metafield(namespace: "crossdock", key: $key) { value } }
}
"""

SHIPMENT_REMEMBER = """
mutation CrossdockShipmentRemember($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { key value }
    userErrors { field message }
  }
}
"""

VARIANTS = """
query CrossdockVariants($first: Int!, $after: String) {
  productVariants(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      sku
      displayName
      barcode
      price
      inventoryQuantity
      inventoryItem { id tracked }
    }
  }
}
"""

#: The quantity "available" of some inventory items at one location (re-read on conflict).
INVENTORY_LEVELS = """
query CrossdockInventoryLevels($ids: [ID!]!, $locationId: ID!) {
  nodes(ids: $ids) {
    __typename
    ... on InventoryItem {
      id
      sku
      inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } }
    }
  }
}
"""

INVENTORY_SET = """
mutation CrossdockInventorySet($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}
"""

#: The connection check: who the shop is and what the token may do (no scope needed).
CONNECTION = """
query CrossdockConnection {
  shop { name myshopifyDomain }
  currentAppInstallation { accessScopes { handle } }
}
"""

#: The shop's primary location: where stock is set when the channel names no location.
PRIMARY_LOCATION = """
query CrossdockPrimaryLocation {
  location { id name isActive }
}
"""

LOCATIONS = """
query CrossdockLocations {
  locations(first: 50) { nodes { id name isActive fulfillsOnlineOrders } }
}
"""

#: Every document, by name, for the contract test.
ALL: dict[str, str] = {
    "ORDERS": ORDERS,
    "ORDER": ORDER,
    "FULFILLMENT_ORDERS": FULFILLMENT_ORDERS,
    "FULFILLMENT_CREATE": FULFILLMENT_CREATE,
    "SHIPMENT_RECORD": SHIPMENT_RECORD,
    "SHIPMENT_REMEMBER": SHIPMENT_REMEMBER,
    "VARIANTS": VARIANTS,
    "INVENTORY_LEVELS": INVENTORY_LEVELS,
    "INVENTORY_SET": INVENTORY_SET,
    "CONNECTION": CONNECTION,
    "LOCATIONS": LOCATIONS,
    "PRIMARY_LOCATION": PRIMARY_LOCATION,
}
