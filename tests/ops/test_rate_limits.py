"""Rate limits shared through Redis hold across app processes (each worker is one app)."""


def limited_app(build, redis_url, prefix):
    return build("3 per minute", RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_KEY_PREFIX=prefix)


def test_limit_is_shared_between_two_app_instances(default_limit_apps, redis_url, unique_prefix):
    first = limited_app(default_limit_apps, redis_url, unique_prefix).test_client()
    second = limited_app(default_limit_apps, redis_url, unique_prefix).test_client()
    statuses = [client.get("/").status_code for client in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]


def test_limited_response_is_a_translated_page_with_headers(
    default_limit_apps, redis_url, unique_prefix
):
    client = limited_app(default_limit_apps, redis_url, unique_prefix).test_client()
    for _ in range(3):
        client.get("/")
    response = client.get("/")
    assert response.status_code == 429
    assert b"Too many attempts" in response.data
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
