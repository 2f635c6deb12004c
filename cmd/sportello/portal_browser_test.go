package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

func TestWidgetOnTheComunePortalInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Chromium")
	}
	// The portal's server starts first, so that its origin can be put in
	// portal_origins; it learns Sportello's address afterwards.
	var base string
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, portalPage, base)
	}))
	t.Cleanup(ps.Close)
	cfg := DefaultConfig()
	cfg.Comune.PortalOrigins = []string{ps.URL}
	cfg.Addr = "127.0.0.1:0"
	cfg.Data = t.TempDir()
	logs := &syncBuffer{}
	m := NewMain(cfg, logs)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	base = "http://" + m.Addr()

	t.Run("an allowed portal: the answer, and the conversation live over the WebSocket", func(t *testing.T) {
		ctx := browser(t)
		var upgraded atomic.Bool
		chromedp.ListenTarget(ctx, func(ev any) {
			if e, ok := ev.(*network.EventWebSocketHandshakeResponseReceived); ok && e.Response.Status == 101 {
				upgraded.Store(true)
			}
		})
		if err := chromedp.Run(ctx, network.Enable()); err != nil {
			t.Fatal(err)
		}
		citizenAsks(ctx, t, ps.URL, "quanto costa la carta d'identita?")
		waitShadow(ctx, t, "answer from the CIE card", `[...root.querySelectorAll('.sp-card-title')].some(e => /identit/i.test(e.textContent))`)
		deadline := time.Now().Add(10 * time.Second)
		for !upgraded.Load() && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if !upgraded.Load() {
			t.Error("the widget on the portal never opened its WebSocket (the origin check refused it?)")
		}
		if strings.Contains(logs.String(), "portal_origins") {
			t.Errorf("an allowed portal was logged as refused:\n%s", logs.String())
		}
	})

	t.Run("a portal not in portal_origins: the citizen is told, the message kept, the log says why", func(t *testing.T) {
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, portalPage, base)
		}))
		t.Cleanup(other.Close)
		ctx := browser(t)
		citizenAsks(ctx, t, other.URL, "quanto costa la carta d'identita?")
		waitShadow(ctx, t, "the notice that the site is not enabled", `[...root.querySelectorAll('.sp-pending .sp-meta')].some(e => /non è ancora attivo su questo sito/.test(e.textContent))`)
		var kept bool
		chromedp.Run(ctx, inShadow(`[...root.querySelectorAll('.sp-pending')].some(e => e.textContent.includes("quanto costa la carta d'identita?"))`, &kept))
		if !kept {
			t.Error("the citizen's message is not kept waiting")
		}
		for _, want := range []string{`"level":"WARN"`, "not in portal_origins", `"origin":"` + other.URL + `"`, `"request":"widget.js"`} {
			if !strings.Contains(logs.String(), want) {
				t.Errorf("the log lacks %s:\n%s", want, logs.String())
			}
		}
	})
}

// portalPage is a page of the comune's own site, on another origin than
// Sportello's, with the one tag the README tells the portal to add.
const portalPage = `<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Comune di Valdoria</title></head>
<body><main><h1>Comune di Valdoria</h1><p>Il portale del Comune.</p></main>
<script src="%s/widget.js" defer></script></body></html>`

// syncBuffer is a log the server writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
