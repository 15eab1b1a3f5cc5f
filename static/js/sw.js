/*
 * Kollegi's service worker. Served at /sw.js (community/views_installable.py)
 * with its settings put before it as self.KOLLEGI (community/installable.py:
 * addresses, the language, the words of a push it cannot read, the version
 * that names its caches).
 *
 * Pages: from the network first. Without a connection (or with the server
 * down), the copy kept for reading, else the offline page.
 *
 * What is kept: only a page the server marks with the Kollegi-Offline header
 * (her reading lists and the pages of hers they link with data-offline-keep),
 * for the reader the header names, in one cache per reader; at most 50 pages
 * (OFFLINE_MAX_PAGES), the oldest dropped first and the lists last. Every
 * page tells the worker who reads it (sw-register.js): when it is someone
 * else, or a visitor, everything kept is dropped, as it is at sign-out
 * (header.js). Only GET requests are answered here: a form's POST always
 * goes to the network and is never kept nor sent again; the admin's pages are
 * never kept.
 *
 * Static files: cache first when the name carries its content's hash (the
 * production storage), else network first; what the offline page needs is
 * fetched at install.
 *
 * Push: every push shows a notification, even one whose payload cannot be
 * read; a click on it focuses a window of the site on its address or opens one.
 */
(function () {
  "use strict";

  var CONFIG = self.KOLLEGI || {};
  var TEXT = CONFIG.text || {};
  var ORIGIN = self.location.origin;
  var PREFIX = "kollegi-";
  var STATIC_CACHE = PREFIX + "static-" + CONFIG.version;
  var OFFLINE_CACHE = PREFIX + "offline-" + CONFIG.version;
  // One cache per reader: "kollegi-pages-1-<reader>". header.js drops these
  // by the same prefix at sign-out. The 1 changes only if what is kept does.
  var PAGES = PREFIX + "pages-1-";
  // The setting OFFLINE_MAX_PAGES: at most so many kept, the lists among them.
  var MAX_PAGES = Number(CONFIG.maxPages) || 50;
  var MAX_STATIC = 120;
  var KEPT_AT = "Kollegi-Kept-At";
  // A list offered again within the hour, or a page within the day, is fresh.
  var LIST_FRESH = 60 * 60 * 1000;
  var PAGE_FRESH = 24 * 60 * 60 * 1000;
  var HASHED = /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;
  var READER = /^[0-9a-f]{1,64}$/;
  var LISTS = (CONFIG.lists || []).map(function (path) {
    return new URL(path, ORIGIN).href;
  });

  // Changes to the kept pages run one after another; every drop moves the
  // generation on, so that a page fetched before a sign-out is not kept after.
  var queue = Promise.resolve();
  var generation = 0;

  function serial(task) {
    var run = queue.then(task);
    queue = run.catch(function () {});
    return run;
  }

  function never(url) {
    return (CONFIG.never || []).some(function (prefix) {
      return url.pathname.indexOf(prefix) === 0;
    });
  }

  function ours(address) {
    try {
      var url = new URL(address, ORIGIN);
      return url.origin === ORIGIN && !never(url) ? url : null;
    } catch (error) {
      return null;
    }
  }

  function isList(address) {
    var url = new URL(address);
    return LISTS.some(function (list) {
      return new URL(list).pathname === url.pathname;
    });
  }

  // --- Install and activate ------------------------------------------------

  // The static files a page names: its style sheets, scripts, icons.
  function staticIn(html) {
    var found = [];
    var attribute = /\s(?:src|href)="([^"]+)"/g;
    var match;
    while ((match = attribute.exec(html))) {
      var path = match[1].replace(/&amp;/g, "&").split("#")[0];
      if (path.indexOf(CONFIG.static) === 0 && found.indexOf(path) < 0) {
        found.push(path);
      }
    }
    return found;
  }

  function precache() {
    // Without cookies: the offline page as a visitor sees it, naming nobody.
    return fetch(new Request(CONFIG.offline, { credentials: "omit" })).then(
      function (response) {
        if (!response.ok) {
          throw new Error("the offline page answered " + response.status);
        }
        return response.clone().text().then(function (html) {
          var files = staticIn(html);
          if (CONFIG.icon && files.indexOf(CONFIG.icon) < 0) {
            files.push(CONFIG.icon);
          }
          return Promise.all([
            caches.open(OFFLINE_CACHE).then(function (cache) {
              return cache.put(CONFIG.offline, response);
            }),
            // One by one: a file missing leaves the worker (and push) working.
            caches.open(STATIC_CACHE).then(function (cache) {
              return Promise.all(
                files.map(function (file) {
                  return cache.add(file).catch(function () {});
                })
              );
            }),
          ]);
        });
      }
    );
  }

  self.addEventListener("install", function (event) {
    event.waitUntil(
      precache().then(function () {
        return self.skipWaiting();
      })
    );
  });

  self.addEventListener("activate", function (event) {
    event.waitUntil(
      caches
        .keys()
        .then(function (names) {
          return Promise.all(
            names
              .filter(function (name) {
                return (
                  name.indexOf(PREFIX) === 0 &&
                  name !== STATIC_CACHE &&
                  name !== OFFLINE_CACHE &&
                  name.indexOf(PAGES) !== 0
                );
              })
              .map(function (name) {
                return caches.delete(name);
              })
          );
        })
        .then(function () {
          // The page's request starts while the worker wakes up.
          if (self.registration.navigationPreload) {
            return self.registration.navigationPreload.enable();
          }
        })
        .then(function () {
          return self.clients.claim();
        })
    );
  });

  // --- Kept pages ------------------------------------------------------------

  function pageCaches() {
    return caches.keys().then(function (names) {
      return names.filter(function (name) {
        return name.indexOf(PAGES) === 0;
      });
    });
  }

  function keptCopy(address) {
    return pageCaches().then(function (names) {
      return names.reduce(function (found, name) {
        return found.then(function (response) {
          return (
            response ||
            caches.open(name).then(function (cache) {
              return cache.match(address, { ignoreVary: true });
            })
          );
        });
      }, Promise.resolve(undefined));
    });
  }

  // Drop what was kept for anyone but `reader` ("": for everyone).
  function dropAllBut(reader) {
    return pageCaches().then(function (names) {
      var others = names.filter(function (name) {
        return name !== PAGES + reader;
      });
      if (others.length) {
        generation += 1;
      }
      return Promise.all(
        others.map(function (name) {
          return caches.delete(name);
        })
      );
    });
  }

  // At most MAX_PAGES: the oldest go first, the lists last of all.
  function trim(cache) {
    return cache.keys().then(function (requests) {
      var excess = requests.length - MAX_PAGES;
      if (excess <= 0) {
        return;
      }
      var items = requests.filter(function (request) {
        return LISTS.indexOf(request.url) < 0;
      });
      var lists = requests.filter(function (request) {
        return LISTS.indexOf(request.url) >= 0;
      });
      return Promise.all(
        items
          .concat(lists)
          .slice(0, excess)
          .map(function (request) {
            return cache.delete(request);
          })
      );
    });
  }

  // Resolves to true when the page was kept.
  function keep(address, response, reader, started, html) {
    return serial(function () {
      if (generation !== started) {
        return false; // signed out, or another reader, since it was fetched
      }
      var headers = new Headers(response.headers);
      headers.set(KEPT_AT, String(Date.now()));
      // The body is kept as read: no longer compressed, its length may differ.
      headers.delete("Content-Encoding");
      headers.delete("Content-Length");
      var copy = new Response(html, {
        status: response.status,
        statusText: response.statusText,
        headers: headers,
      });
      return dropAllBut(reader)
        .then(function () {
          return caches.open(PAGES + reader);
        })
        .then(function (cache) {
          // Deleted first: put again, the page becomes the newest.
          return cache
            .delete(address)
            .then(function () {
              return cache.put(address, copy);
            })
            .then(function () {
              return trim(cache);
            })
            .then(function () {
              return true;
            });
        });
    });
  }

  function forget(address) {
    return serial(function () {
      return pageCaches().then(function (names) {
        return Promise.all(
          names.map(function (name) {
            return caches.open(name).then(function (cache) {
              return cache.delete(address);
            });
          })
        );
      });
    });
  }

  // The pages a list links to keep with it (a list is the server's HTML).
  function itemsIn(html) {
    var found = [];
    var tag = /<a\s[^>]*\bdata-offline-keep\b[^>]*>/g;
    var match;
    while ((match = tag.exec(html))) {
      var href = /\shref="([^"]+)"/.exec(match[0]);
      var url = href && ours(href[1].replace(/&amp;/g, "&"));
      if (url && found.indexOf(url.href) < 0) {
        found.push(url.href);
      }
    }
    return found;
  }

  // A response from the network: kept when the server says so, forgotten
  // when it no longer does (a bookmark taken away, a page gone).
  function remember(address, response, started) {
    var reader = response.headers.get(CONFIG.keepHeader) || "";
    if (
      response.status === 200 &&
      response.type === "basic" &&
      !response.redirected &&
      READER.test(reader)
    ) {
      return response.text().then(function (html) {
        return keep(address, response, reader, started, html).then(function (kept) {
          if (kept && isList(address)) {
            return follow(itemsIn(html));
          }
        });
      });
    }
    if (response.status < 500) {
      return forget(address);
    }
    return Promise.resolve();
  }

  // Fetch a page for keeping, unless the copy kept is fresh enough.
  function refresh(address, fresh) {
    return keptCopy(address).then(function (copy) {
      var keptAt = copy ? Number(copy.headers.get(KEPT_AT)) || 0 : 0;
      if (copy && Date.now() - keptAt < fresh) {
        return;
      }
      var started = generation;
      return fetch(address, { credentials: "same-origin" }).then(
        function (response) {
          return remember(address, response, started);
        },
        function () {
          // No connection: what was kept stays as it is.
        }
      );
    });
  }

  function follow(addresses) {
    return addresses
      .slice(0, Math.max(MAX_PAGES - LISTS.length, 0))
      .reduce(function (done, address) {
        return done.then(function () {
          return refresh(address, PAGE_FRESH);
        });
      }, Promise.resolve());
  }

  // A page says who reads it: pages kept for anyone else are dropped, and a
  // member's lists (with what they link) are fetched when not fresh.
  function readerIs(reader) {
    if (!READER.test(reader)) {
      reader = "";
    }
    return serial(function () {
      return dropAllBut(reader);
    }).then(function () {
      if (!reader) {
        return;
      }
      return LISTS.reduce(function (done, list) {
        return done.then(function () {
          return refresh(list, LIST_FRESH);
        });
      }, Promise.resolve());
    });
  }

  self.addEventListener("message", function (event) {
    var data = event.data || {};
    if (event.origin && event.origin !== ORIGIN) {
      return;
    }
    if (data.type === "reader") {
      event.waitUntil(readerIs(String(data.reader || "")));
    } else if (data.type === "sign-out") {
      event.waitUntil(readerIs(""));
    }
  });

  // --- Fetch -----------------------------------------------------------------

  // The page's own request, started by the browser while the worker woke up
  // (navigation preload), else made now.
  function network(event) {
    return Promise.resolve(event.preloadResponse).then(function (preloaded) {
      return preloaded || fetch(event.request);
    });
  }

  function page(event) {
    var request = event.request;
    var started = generation;
    return network(event).then(
      function (response) {
        if (response.status >= 500) {
          // The server is down: a kept copy reads better than an error.
          return keptCopy(request.url).then(function (copy) {
            return copy || response;
          });
        }
        event.waitUntil(remember(request.url, response.clone(), started));
        return response;
      },
      function () {
        return keptCopy(request.url)
          .then(function (copy) {
            return (
              copy ||
              caches.match(CONFIG.offline, { cacheName: OFFLINE_CACHE })
            );
          })
          .then(function (answer) {
            return answer || Response.error();
          });
      }
    );
  }

  function trimStatic(cache) {
    return cache.keys().then(function (requests) {
      var excess = requests.length - MAX_STATIC;
      return Promise.all(
        requests.slice(0, Math.max(excess, 0)).map(function (request) {
          return cache.delete(request);
        })
      );
    });
  }

  function staticFile(event, url) {
    var request = event.request;
    return caches.open(STATIC_CACHE).then(function (cache) {
      return cache.match(request, { ignoreVary: true }).then(function (hit) {
        if (hit && HASHED.test(url.pathname)) {
          return hit; // a hashed name never changes its content
        }
        return fetch(request).then(
          function (response) {
            if (response.status === 200 && response.type === "basic") {
              event.waitUntil(
                cache.put(request, response.clone()).then(function () {
                  return trimStatic(cache);
                })
              );
            }
            return response;
          },
          function (error) {
            if (hit) {
              return hit;
            }
            throw error;
          }
        );
      });
    });
  }

  self.addEventListener("fetch", function (event) {
    var request = event.request;
    if (request.method !== "GET") {
      return; // forms go to the network, never answered nor replayed here
    }
    var url = ours(request.url);
    if (request.mode === "navigate") {
      // The admin's pages go as they are: never kept, never the offline page.
      event.respondWith(url ? page(event) : network(event));
    } else if (url && url.pathname.indexOf(CONFIG.static) === 0) {
      event.respondWith(staticFile(event, url));
    }
  });

  // --- Push ------------------------------------------------------------------

  function words(value) {
    return typeof value === "string" ? value.trim().slice(0, 1000) : "";
  }

  // An address of this site, else the notifications page.
  function siteAddress(value) {
    var url = words(value) && ours(words(value));
    return (url || new URL(CONFIG.notifications || "/", ORIGIN)).href;
  }

  function readPush(data) {
    var message = null;
    try {
      message = data ? data.json() : null;
    } catch (error) {
      message = null; // not JSON, or not readable: the generic words
    }
    return message && typeof message === "object" ? message : {};
  }

  self.addEventListener("push", function (event) {
    var message = readPush(event.data);
    var tag = words(message.tag);
    var options = {
      body: words(message.body) || TEXT.body || "",
      data: { url: siteAddress(message.url) },
      icon: CONFIG.icon,
      lang: CONFIG.lang,
    };
    if (tag) {
      // A group's newer push replaces the older one, and still alerts.
      options.tag = tag;
      options.renotify = true;
    }
    // Always shown, whatever arrived: a push that shows nothing may cost the
    // subscription (browsers revoke it).
    event.waitUntil(
      self.registration.showNotification(
        words(message.title) || TEXT.title || "Kollegi",
        options
      )
    );
  });

  self.addEventListener("notificationclick", function (event) {
    var target = siteAddress(event.notification.data && event.notification.data.url);
    event.notification.close();
    event.waitUntil(
      self.clients
        .matchAll({ type: "window", includeUncontrolled: true })
        .then(function (windows) {
          var there = windows.filter(function (client) {
            return client.url === target;
          })[0];
          if (there) {
            return there.focus();
          }
          var open = windows[0];
          if (open && "navigate" in open) {
            return open
              .focus()
              .then(function (client) {
                return (client || open).navigate(target);
              })
              .then(function (client) {
                return client || self.clients.openWindow(target);
              })
              .catch(function () {
                return self.clients.openWindow(target);
              });
          }
          return self.clients.openWindow(target);
        })
    );
  });

  // --- A subscription the browser renewed --------------------------------------

  // The devices view checks the CSRF token like any form: the worker reads one
  // from a page of hers (its forms carry it), which only a member signed in
  // on this browser gets.
  function csrfToken() {
    return fetch(CONFIG.push.page, { credentials: "same-origin" }).then(
      function (response) {
        if (!response.ok || response.redirected) {
          return "";
        }
        return response.text().then(function (html) {
          var found = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
          return found ? found[1] : "";
        });
      }
    );
  }

  self.addEventListener("pushsubscriptionchange", function (event) {
    if (!CONFIG.push) {
      return; // push is off on the site
    }
    var old = event.oldSubscription;
    var subscribing = event.newSubscription
      ? Promise.resolve(event.newSubscription)
      : self.registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey:
            (old && old.options && old.options.applicationServerKey) ||
            CONFIG.push.key,
        });
    event.waitUntil(
      subscribing
        .then(function (subscription) {
          return csrfToken().then(function (token) {
            if (!token) {
              return; // signed out here: the devices page offers it again
            }
            return fetch(CONFIG.push.add, {
              method: "POST",
              credentials: "same-origin",
              headers: { "Content-Type": "application/json", "X-CSRFToken": token },
              body: JSON.stringify(subscription.toJSON()),
            });
          });
        })
        .catch(function () {
          // No connection or no permission: the devices page offers it again.
        })
    );
  });
})();
