# Varnish in front of gunicorn: caches what the application marks shareable (s-maxage, set by
# pagecache/middleware.py on anonymous pages), passes signed-in users and the admin, and lets
# the application purge (docs/performance.md).
#
# Purging: Wagtail's frontend cache sends PURGE <path> for each page that changed: it bans that
# path and all its query-string variants on that host. PURGE /.cache-tags/<tag> bans every
# object whose X-Cache-Tags header names the tag (the tags the page cache uses). Bans test
# obj.* only, so the ban lurker clears them in the background.
vcl 4.1;

# The compose service; scripts/bench.py writes its own copy with a local backend.
backend default {
    .host = "web";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: this host and the private networks a compose or cluster network uses.
acl purgers {
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.url ~ "^/\.cache-tags/[-:a-z0-9]+$") {
            ban("obj.http.X-Cache-Tags ~ (^|\s)" + regsub(req.url, "^/\.cache-tags/", "") + "(\s|$)");
            return (synth(200, "Tag banned"));
        }
        ban("obj.http.X-Host == " + req.http.host + " && obj.http.X-Url ~ ^" + regsub(req.url, "\?.*$", "") + "(\?|$)");
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|review|calendar-feed|documents|_util)/" || req.url ~ "^/healthz") {
        return (pass);
    }
    # A session cookie means a signed-in user (or a passed page password): never shared.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Any other cookie (the CSRF cookie, analytics) does not change a public page.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    hash_data(req.http.host);
    # Behind a TLS proxy the same URL over http and https answers differently (a redirect).
    hash_data(req.http.X-Forwarded-Proto);
    return (lookup);
}

sub vcl_backend_response {
    # Copied onto the object so that bans can test obj.* (ban-lurker friendly).
    set beresp.http.X-Url = bereq.url;
    set beresp.http.X-Host = bereq.http.host;
    if (bereq.url ~ "^/static/" && !beresp.http.Set-Cookie) {
        return (deliver);  # hashed file names, long max-age from whitenoise
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(private|no-cache|no-store)"
        || beresp.http.Cache-Control !~ "s-maxage") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # The application's s-maxage is the TTL; a little grace hides a slow re-render (a banned
    # object is gone, grace or not).
    set beresp.grace = 10s;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.X-Url;
    unset resp.http.X-Host;
    unset resp.http.X-Cache-Tags;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
