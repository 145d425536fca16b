"""The ShipStation fulfillment integration: credentials, options and the Custom Store endpoint."""
