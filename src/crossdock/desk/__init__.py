"""The shipping desk: the ShipStation side of the Custom Store protocol.

It connects to any Custom Store URL, imports orders, ships them and posts ship notices back,
talking to stores only over HTTP. It never imports the hub (``make contracts`` holds it).
This package is also a Django app (label ``desk_web``) that holds the desk's templates.
"""
