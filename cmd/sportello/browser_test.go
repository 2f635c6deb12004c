package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The browser tests drive Debian's Chromium (installed by `make check`)
// against the real program. SPORTELLO_SCREENSHOTS=docs saves the README's
// screenshots.

func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("SPORTELLO_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	t.Fatal("Chromium not found: `make check` installs Debian's chromium package; or set SPORTELLO_CHROMIUM")
	return ""
}

func axeSource(t *testing.T) string {
	t.Helper()
	p := filepath.Join("..", "..", ".cache", "axe", "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("axe-core not installed (%v): `make check` installs it with npm", err)
	}
	return string(b)
}

func startDemo(t *testing.T, tweaks ...func(*Config)) string {
	t.Helper()
	cfg := DefaultConfig()
	for _, f := range tweaks {
		f(&cfg)
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.Data = t.TempDir()
	m := NewMain(cfg, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return "http://" + m.Addr()
}

func browser(t *testing.T) context.Context {
	t.Helper()
	// Chromium may still write to its profile while it exits, so the
	// folder is removed best-effort rather than with t.TempDir.
	profile, err := os.MkdirTemp("", "sportello-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(profile) })
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// inShadow evaluates a JS expression with `root` bound to the widget's
// shadow root.
func inShadow(expr string, res any) chromedp.Action {
	return chromedp.Evaluate(`(() => { const root = document.getElementById('sportello-widget').shadowRoot; return (`+expr+`); })()`, res)
}

// waitShadow polls until a JS condition on the shadow root holds.
func waitShadow(ctx context.Context, t *testing.T, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var ok bool
		err := chromedp.Run(ctx, chromedp.Evaluate(`(() => { const h = document.getElementById('sportello-widget'); if (!h || !h.shadowRoot) return false; const root = h.shadowRoot; return !!(`+cond+`); })()`, &ok))
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for: %s", what)
}

func typeText(s string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		return input.InsertText(s).Do(ctx)
	})
}

func screenshot(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	dir := os.Getenv("SPORTELLO_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", "..", dir)
	}
	time.Sleep(800 * time.Millisecond) // the panel's opening animation
	var png []byte
	if err := chromedp.Run(ctx, chromedp.CaptureScreenshot(&png)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWidgetInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Chromium")
	}
	base := startDemo(t)
	ctx := browser(t)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	waitShadow(ctx, t, "launcher", `root.querySelector('.sp-launcher')`)

	t.Run("keyboard only: open, ask, read the answer, close", func(t *testing.T) {
		err := chromedp.Run(ctx,
			inShadow(`root.querySelector('.sp-launcher').focus()`, nil),
			chromedp.KeyEvent(kb.Enter),
		)
		if err != nil {
			t.Fatal(err)
		}
		waitShadow(ctx, t, "panel open with focus inside", `root.querySelector('.sp-panel') && !root.querySelector('.sp-panel').hidden && root.activeElement && root.querySelector('.sp-panel').contains(root.activeElement)`)
		if err := chromedp.Run(ctx, inShadow(`root.querySelector('.sp-input').focus()`, nil), typeText("quanto costa la carta d'identita?"), chromedp.KeyEvent(kb.Enter)); err != nil {
			t.Fatal(err)
		}
		waitShadow(ctx, t, "answer from the CIE card", `[...root.querySelectorAll('.sp-card-title')].some(e => /identit/i.test(e.textContent))`)
		screenshot(ctx, t, "widget-desktop.png")
		// Tab never leaves the open panel.
		for i := 0; i < 25; i++ {
			var inside bool
			if err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Tab), inShadow(`!!root.activeElement && root.querySelector('.sp-panel').contains(root.activeElement) && document.activeElement === document.getElementById('sportello-widget')`, &inside)); err != nil {
				t.Fatal(err)
			}
			if !inside {
				t.Fatalf("focus left the panel after %d tabs", i+1)
			}
		}
		if err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
			t.Fatal(err)
		}
		waitShadow(ctx, t, "closed, focus back on the button", `root.activeElement === root.querySelector('.sp-launcher')`)
	})

	t.Run("a typed HTML tag shows as text and runs nothing", func(t *testing.T) {
		attack := `<img src=x onerror="window.__pwned=1">`
		err := chromedp.Run(ctx,
			inShadow(`root.querySelector('.sp-launcher').click()`, nil),
			inShadow(`root.querySelector('.sp-input').focus()`, nil),
			typeText(attack), chromedp.KeyEvent(kb.Enter))
		if err != nil {
			t.Fatal(err)
		}
		waitShadow(ctx, t, "attack shown as text", fmt.Sprintf(`[...root.querySelectorAll('.sp-citizen')].some(e => e.textContent.includes(%q))`, attack))
		var pwned, imgs bool
		chromedp.Run(ctx, chromedp.Evaluate(`window.__pwned === 1`, &pwned), inShadow(`!!root.querySelector('.sp-log img')`, &imgs))
		if pwned || imgs {
			t.Fatalf("citizen text was interpreted as HTML (pwned=%v, img=%v)", pwned, imgs)
		}
	})

	t.Run("reload keeps the conversation", func(t *testing.T) {
		var before int
		chromedp.Run(ctx, inShadow(`root.querySelectorAll('.sp-msg[data-seq]').length`, &before))
		if err := chromedp.Run(ctx, chromedp.Reload()); err != nil {
			t.Fatal(err)
		}
		waitShadow(ctx, t, "launcher after reload", `root.querySelector('.sp-launcher')`)
		chromedp.Run(ctx, inShadow(`root.querySelector('.sp-launcher').click()`, nil))
		waitShadow(ctx, t, "history restored", fmt.Sprintf(`root.querySelectorAll('.sp-msg[data-seq]').length >= %d`, before))
		var dup bool
		chromedp.Run(ctx, inShadow(`(() => { const s = [...root.querySelectorAll('.sp-msg[data-seq]')].map(e => e.dataset.seq); return new Set(s).size !== s.length; })()`, &dup))
		if dup {
			t.Fatal("a message is shown twice after reload")
		}
	})

	t.Run("accessibility: axe-core WCAG 2.1 AA, panel open and closed", func(t *testing.T) {
		axe := axeSource(t)
		run := func(state string) {
			// Let the opening animation end: contrast is judged on the
			// settled page.
			time.Sleep(800 * time.Millisecond)
			var violations []struct {
				ID    string
				Help  string
				Nodes []struct{ Target []any }
			}
			err := chromedp.Run(ctx, chromedp.Evaluate(axe, nil), chromedp.Evaluate(`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa']}}).then(r => r.violations)`, &violations, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range violations {
				t.Errorf("%s: %s %s: %v", state, v.ID, v.Help, v.Nodes)
			}
		}
		run("panel open")
		chromedp.Run(ctx, inShadow(`root.querySelector('.sp-close').click()`, nil))
		run("panel closed")
	})

	t.Run("phone viewport", func(t *testing.T) {
		err := chromedp.Run(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile), chromedp.Reload())
		if err != nil {
			t.Fatal(err)
		}
		waitShadow(ctx, t, "launcher", `root.querySelector('.sp-launcher')`)
		chromedp.Run(ctx, inShadow(`root.querySelector('.sp-launcher').click()`, nil))
		waitShadow(ctx, t, "history on phone", `root.querySelectorAll('.sp-msg[data-seq]').length > 0`)
		var fits bool
		chromedp.Run(ctx, inShadow(`(() => { const r = root.querySelector('.sp-panel').getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth + 1 && r.width > 300; })()`, &fits))
		if !fits {
			t.Error("panel does not fit a 360 px screen")
		}
		var scroll bool
		chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &scroll))
		if scroll {
			t.Error("the page scrolls sideways on a phone")
		}
		screenshot(ctx, t, "widget-phone.png")
	})
}

func TestWidgetShowsRateLimitNotice(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Chromium")
	}
	base := startDemo(t, func(c *Config) { c.Limits.MessagesPerConversation = 2 })
	ctx := browser(t)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	waitShadow(ctx, t, "launcher", `root.querySelector('.sp-launcher')`)
	chromedp.Run(ctx, inShadow(`root.querySelector('.sp-launcher').click()`, nil))
	for i, q := range []string{"orari dell'urp", "costo della carta d'identità", "passo carrabile"} {
		if err := chromedp.Run(ctx, inShadow(`root.querySelector('.sp-input').focus()`, nil), typeText(q), chromedp.KeyEvent(kb.Enter)); err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			waitShadow(ctx, t, "answer "+q, fmt.Sprintf(`root.querySelectorAll('.sp-msg.sp-assistant[data-seq]').length >= %d`, i+1))
		}
	}
	waitShadow(ctx, t, "Italian rate-limit notice", `[...root.querySelectorAll('.sp-notice, .sp-msg')].some(e => /troppi messaggi/.test(e.textContent))`)
	var stored int
	chromedp.Run(ctx, inShadow(`root.querySelectorAll('.sp-citizen[data-seq]').length`, &stored))
	if stored != 2 {
		t.Errorf("%d citizen messages shown as stored, want 2 (the third waits to be retried)", stored)
	}
}

func TestWidgetOfflineRetryAndNewConversation(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Chromium")
	}
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.Data = t.TempDir()
	m := NewMain(cfg, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() { m.Close() }()
	base := "http://" + m.Addr()
	ctx := browser(t)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	waitShadow(ctx, t, "launcher", `root.querySelector('.sp-launcher')`)
	send := func(q string) {
		t.Helper()
		if err := chromedp.Run(ctx, inShadow(`root.querySelector('.sp-input').focus()`, nil), typeText(q), chromedp.KeyEvent(kb.Enter)); err != nil {
			t.Fatal(err)
		}
	}
	chromedp.Run(ctx, inShadow(`root.querySelector('.sp-launcher').click()`, nil))
	send("orari dell'urp")
	waitShadow(ctx, t, "first answer", `root.querySelectorAll('.sp-msg.sp-assistant[data-seq]').length >= 1`)

	// The server goes away: the message waits with an Italian notice, and
	// is sent once, when the server is back on the same address.
	addr := m.Addr()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	send("quanto costa la carta d'identità?")
	waitShadow(ctx, t, "offline notice", `[...root.querySelectorAll('.sp-notice, .sp-msg')].some(e => /Sei offline/.test(e.textContent))`)
	cfg.Addr = addr
	m = NewMain(cfg, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitShadow(ctx, t, "sent after the network is back", `[...root.querySelectorAll('.sp-card-title')].some(e => /identit/i.test(e.textContent))`)
	var citizen int
	chromedp.Run(ctx, inShadow(`[...root.querySelectorAll('.sp-citizen')].filter(e => /carta d'identit/.test(e.textContent)).length`, &citizen))
	if citizen != 1 {
		t.Errorf("the retried message shows %d times, want once", citizen)
	}

	// A new conversation forgets the old one, also after a reload.
	if err := chromedp.Run(ctx, inShadow(`root.querySelector('.sp-new').click()`, nil)); err != nil {
		t.Fatal(err)
	}
	waitShadow(ctx, t, "empty log", `root.querySelectorAll('.sp-msg[data-seq]').length === 0`)
	send("passo carrabile")
	waitShadow(ctx, t, "answer in the new conversation", `root.querySelectorAll('.sp-msg.sp-assistant[data-seq]').length >= 1`)
	chromedp.Run(ctx, chromedp.Reload())
	waitShadow(ctx, t, "launcher after reload", `root.querySelector('.sp-launcher')`)
	chromedp.Run(ctx, inShadow(`root.querySelector('.sp-launcher').click()`, nil))
	waitShadow(ctx, t, "only the new conversation", `root.querySelectorAll('.sp-msg[data-seq]').length >= 2 && ![...root.querySelectorAll('.sp-citizen')].some(e => /orari/.test(e.textContent))`)
}
