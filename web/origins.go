package web

import (
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// A portal that puts the widget on its pages without being listed in
// portal_origins gets nothing from the API: the browser blocks every
// answer, and the citizen sees only that the service does not respond.
// The comune's IT learns why from the log, once an hour per site.

// refusedLogEvery is how often one refused site is logged again.
const refusedLogEvery = time.Hour

// maxRefusedSites bounds the sites remembered: a flood of made-up
// origins must not grow memory.
const maxRefusedSites = 1000

// originWatch remembers when each refused site was last logged.
type originWatch struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

// allowedOrigin reports whether a page of origin may use the API: the
// configured portals, and Sportello's own pages.
func (s *Server) allowedOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return u.Host == host || slices.Contains(s.opts.PortalOrigins, origin)
}

// noteRefused logs, at most once an hour per site, a site that is not
// allowed to use the widget. what says what it asked for.
func (s *Server) noteRefused(origin, what string) {
	now := time.Now()
	s.refused.mu.Lock()
	if s.refused.seen == nil || len(s.refused.seen) >= maxRefusedSites {
		s.refused.seen = map[string]time.Time{}
	}
	last, ok := s.refused.seen[origin]
	log := !ok || now.Sub(last) >= refusedLogEvery
	if log {
		s.refused.seen[origin] = now
	}
	s.refused.mu.Unlock()
	if log {
		s.log.Warn("a site not in portal_origins uses the widget: its visitors get no answer; if it is the comune's portal, add it to comune.portal_origins (SPORTELLO_PORTAL_ORIGINS)",
			"origin", origin, "request", what, "portal_origins", s.opts.PortalOrigins)
	}
}

// watchOrigins notes API requests from pages of sites not allowed.
func (s *Server) watchOrigins(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if o := r.Header.Get("Origin"); o != "" && o != "null" && !s.allowedOrigin(o, r.Host) {
			s.noteRefused(o, r.Method+" "+c.Path())
		}
		return next(c)
	}
}

// refererOrigin is the origin of the page that asked for widget.js: the
// browser sends it as the Referer of a script.
func refererOrigin(referer string) string {
	u, err := url.Parse(referer)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
