from tests.push.fixtures import browser, fresh_request_globals, push_app, receiver, vapid_key_in_tmp  # noqa: F401
