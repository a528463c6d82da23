"""Rate limits shared through Redis hold across app processes (each worker is one app)."""


def limited_client(build, redis_url, address):
    client = build("3 per minute", RATELIMIT_STORAGE_URI=redis_url).test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_limit_is_shared_between_two_app_instances(default_limit_apps, redis_url, unique_address):
    first = limited_client(default_limit_apps, redis_url, unique_address)
    second = limited_client(default_limit_apps, redis_url, unique_address)
    statuses = [client.get("/").status_code for client in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]


def test_limited_response_is_a_translated_page_with_headers(
    default_limit_apps, redis_url, unique_address
):
    client = limited_client(default_limit_apps, redis_url, unique_address)
    for _ in range(3):
        client.get("/")
    response = client.get("/")
    assert response.status_code == 429
    assert b"Too many attempts" in response.data
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    assert 1 <= int(response.headers["Retry-After"]) <= 61


def test_allowed_responses_carry_no_limit_headers(default_limit_apps, redis_url, unique_address):
    client = limited_client(default_limit_apps, redis_url, unique_address)
    response = client.get("/")
    assert response.status_code == 200
    assert not [name for name, _value in response.headers if name.startswith("X-RateLimit")]
