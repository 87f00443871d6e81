"""The push throughput benchmark at a tiny size: what it counts is real (every push delivered through the
app's sender, decrypted intact at the receiver), and its receiver really refuses what a push service would."""

import requests

from app.push import sender
from bench import push_throughput
from bench.push_throughput import FakeBrowser, PushService, payload_for


def test_a_tiny_run_delivers_every_push_and_each_decrypts_intact(push_app):
    figures = push_throughput.run(messages=20, senders=4, subscriptions=5, gone=2, decrypt_every=1,
                                  app=push_app)

    assert figures["errors"] == 0, figures["error_samples"]
    assert figures["delivered"] == 20
    assert figures["received"] == 22  # the 20 pushes and one to each gone device
    assert figures["decrypted"] == figures["intact"] == 20  # every one checked, none refused
    assert figures["refused"] == 0
    assert figures["gone_404_410"] == 2  # read as "gone": the push job deletes those subscriptions
    assert figures["pushes_per_s"] > 0 and figures["cpu_ms_per_push"] > 0
    assert figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]


def test_the_receiver_refuses_unsigned_and_undecryptable_pushes(push_app):
    device, stranger = FakeBrowser.make("/push/device-0"), FakeBrowser.make("/push/device-0")
    with PushService([device], decrypt_every=1) as service:
        unsigned = requests.post(f"{service.url}{device.path}", data=b"x", timeout=10,
                                 headers={"Content-Encoding": "aes128gcm"})
        with push_app.app_context():
            # Encrypted for another browser's keys: the device's own key can't open it.
            wrong_keys = sender.send(stranger.info(service.url), payload_for(device.path, 1))
            right_keys = sender.send(device.info(service.url), payload_for(device.path, 2))
    assert unsigned.status_code == 401
    assert (wrong_keys.outcome, wrong_keys.status) == (sender.Outcome.REJECTED, 400)
    assert right_keys.outcome == sender.Outcome.DELIVERED
    assert service.stats["corrupt"] == 1 and service.stats["intact"] == 1 and service.stats["no_vapid"] == 1
