# Varnish in front of gunicorn: caches what the application marks shareable (s-maxage, set by
# pagecache/middleware.py on anonymous pages), passes signed-in users and the admin, and lets
# the application purge (docs/performance.md). It is the only published service: /media/ goes
# to the media service (nginx, deploy/nginx/media.conf), everything else to gunicorn
# (docs/deployment.md).
#
# Purging: Wagtail's frontend cache sends PURGE <path> for each page that changed: it bans that
# path and all its query-string variants on that host. PURGE /.cache-tags/<tag> bans every
# object whose X-Cache-Tags header names the tag (the tags the page cache uses). Bans test
# obj.* only, so the ban lurker clears them in the background.
#
# Edge limits (vmod vsthrottle, from varnish-modules: in the official image since 7.1, Debian
# package varnish-modules), per client address, token bucket in Varnish's memory:
#   /api/                                      20 requests per 10 s, then 429
#   POST to the admin login and password reset,
#   and to page-password and page-login forms  10 per 60 s, then 429
vcl 4.1;

import vsthrottle;

# The compose services; scripts/bench.py and the tests write their own copy with local backends.
backend default {
    .host = "web";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

backend media {
    .host = "media";
    .port = "8080";
    .connect_timeout = 2s;
    .first_byte_timeout = 10s;
}

# Who may purge: this host and the application's own compose network (docker-compose.yml,
# networks.default: web and worker purge from it), but not its gateway, the address that
# connections through a published port come from.
acl purgers {
    "127.0.0.1";
    "::1";
    "172.28.0.0"/24;
    ! "172.28.0.1";
}

sub vcl_recv {
    # The client as the TLS proxy saw it: the entry it appended to X-Forwarded-For, left of the
    # one Varnish appended (the proxy's own address). Entries further left are the client's own
    # claims and never trusted; with nobody in front, client.ip stays the identity.
    if (req.http.X-Forwarded-For ~ ",") {
        set client.identity = regsub(req.http.X-Forwarded-For,
            "^(?:.*,)?\s*([^,\s]+)\s*,[^,]*$", "\1");
    }
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
    if (req.url ~ "^/api/" && vsthrottle.is_denied("api:" + client.identity, 20, 10s)) {
        return (synth(429, "Too Many Requests"));
    }
    if (req.method == "POST"
        && req.url ~ "^/(admin/(login|password_reset)|_util/(login|authenticate_with_password))/"
        && vsthrottle.is_denied("login:" + client.identity, 10, 60s)) {
        return (synth(429, "Too Many Requests"));
    }
    # Tracking parameters do not change a page: stripped before hashing, so that each campaign
    # link does not store another copy of the page.
    if (req.url ~ "[?&](utm_[a-z_]*|fbclid|gclid|mc_cid|mc_eid)=") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[a-z_]*|fbclid|gclid|mc_cid|mc_eid)=[^&]*(&|$)", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    if (req.url ~ "^/media/") {
        # Original documents are served by Wagtail (/documents/), which checks private
        # collections; the media service refuses them too.
        if (req.url ~ "^/media/documents/") {
            return (synth(404, "Not Found"));
        }
        set req.backend_hint = media;
        if (req.method != "GET" && req.method != "HEAD") {
            return (pass);  # nginx answers 405
        }
        unset req.http.Cookie;
        unset req.http.Authorization;
        return (hash);
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
    if (bereq.backend == media) {
        return (deliver);  # files on disk: the media service's max-age is the TTL
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

sub vcl_synth {
    # A short plain answer of our own (the built-in one would say Retry-After: 5).
    if (resp.status == 429) {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.http.Retry-After = "10";
        set resp.body = "Too many requests: try again in a few seconds.";
        return (deliver);
    }
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
