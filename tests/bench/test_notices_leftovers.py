"""The notices scenario leaves no write-back for a later scenario's job workers."""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult

from crossdock.bench.notices import _leave_nothing_to_deliver
from crossdock.hub.channels.models import Channel
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.orders.models import Order
from crossdock.sandbox import services as sandbox
from crossdock.sandbox.models import SandboxShop
from tests.fixtures.channels import pull, ship


def test_the_scenarios_write_backs_and_their_jobs_go_and_others_stay(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    # given two shipped orders of a channel, one of them written back through the stand-in
    sandbox.generate_orders(shop[0], 2)
    pull(channel)
    kept_order, bench_order = Order.objects.filter(channel=channel).order_by("number")
    kept = WriteBack.objects.get(fulfillment=ship(kept_order))
    stand_in = Channel.objects.create(
        account=channel.account, kind="sandbox", name="Bench marketplace", is_active=False
    )
    bench = WriteBack.objects.get(fulfillment=ship(bench_order))
    WriteBack.objects.filter(pk=bench.pk).update(channel=stand_in)
    # when the scenario ends
    _leave_nothing_to_deliver(stand_in)
    # then only the other channel's write-back and delivery job are left
    assert list(WriteBack.objects.values_list("pk", flat=True)) == [kept.pk]
    jobs = DBTaskResult.objects.filter(task_path="crossdock.hub.fulfillment.tasks.push_write_back")
    assert [job.args_kwargs["args"] for job in jobs] == [[kept.pk]]
