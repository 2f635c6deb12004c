package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/sportello/sportello/handoff"
)

// BenchmarkLiveChats is the live-chat load test: the real program,
// SPORTELLO_LOAD_CHATS citizens (500) escalated to SPORTELLO_LOAD_OPERATORS
// operators (20) with automatic assignment; every citizen then sends
// SPORTELLO_LOAD_MESSAGES messages (10), one every SPORTELLO_LOAD_INTERVAL
// (1s), each answered by its operator at once. Every message must arrive
// exactly once and in order on the other side; it reports delivery
// latency both ways. Run:
//
//	go test ./cmd/sportello -run '^$' -bench LiveChats -benchtime 1x
func BenchmarkLiveChats(b *testing.B) {
	chats, ops, perChat := envInt("SPORTELLO_LOAD_CHATS", 500), envInt("SPORTELLO_LOAD_OPERATORS", 20), envInt("SPORTELLO_LOAD_MESSAGES", 10)
	interval, _ := time.ParseDuration(cmp(os.Getenv("SPORTELLO_LOAD_INTERVAL"), "1s"))
	cfg := DefaultConfig()
	cfg.Addr, cfg.Data, cfg.LogLevel = "127.0.0.1:0", b.TempDir(), "warn"
	cfg.Limits = LimitsConfig{MessagesPerConversation: 10000, MessagesPerIP: 1 << 30, ConversationsPerIP: 1 << 30}
	cfg.Operators.MaxChats = (chats + ops - 1) / ops
	cfg.Operators.AutoAssign = true
	store, err := handoff.Open(filepath.Join(cfg.Data, "sportello.db"))
	if err != nil {
		b.Fatal(err)
	}
	acc := handoff.NewAccounts(store)
	for i := range ops {
		if _, err := acc.AddUser(context.Background(), fmt.Sprintf("op%02d", i), "", handoff.StaffOperatore, "password-di-carico"); err != nil {
			b.Fatal(err)
		}
	}
	store.Close()
	m := NewMain(cfg, io.Discard)
	open := time.Date(2026, 11, 24, 9, 0, 0, 0, handoff.Rome())
	start := time.Now()
	m.Now = func() time.Time { return open.Add(time.Since(start)) }
	if err := m.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	base := "http://" + m.Addr()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	lt := &loadStats{}
	var wg sync.WaitGroup
	for i := range ops {
		o := &loadOperator{name: fmt.Sprintf("op%02d", i), base: base, stats: lt, chats: map[string]*opChat{}}
		if err := o.login(); err != nil {
			b.Fatal(err)
		}
		wg.Add(1)
		go func() { defer wg.Done(); o.run(ctx, b) }()
	}
	time.Sleep(200 * time.Millisecond) // consoles connected: operators online

	b.ResetTimer()
	done := make(chan struct{}, chats)
	for i := range chats {
		c := &loadCitizen{base: base, n: perChat, every: interval, stats: lt}
		if err := c.open(ctx); err != nil {
			b.Fatal(err)
		}
		go func() {
			if err := c.run(ctx, i); err != nil {
				lt.fail(fmt.Sprintf("citizen %d: %v", i, err))
			}
			done <- struct{}{}
		}()
	}
	timeout := time.After(time.Duration(perChat)*interval + 60*time.Second)
	for range chats {
		select {
		case <-done:
		case <-timeout:
			b.Fatalf("timed out: %d citizen→operator and %d operator→citizen messages of %d delivered", lt.toOp.Load(), lt.toCitizen.Load(), chats*perChat)
		}
	}
	b.StopTimer()
	cancel()
	wg.Wait()
	if msg := lt.failure(); msg != "" {
		b.Fatal(msg)
	}
	want := int64(chats * perChat)
	if lt.toOp.Load() != want || lt.toCitizen.Load() != want {
		b.Fatalf("delivered %d to operators and %d to citizens, want %d each", lt.toOp.Load(), lt.toCitizen.Load(), want)
	}
	p := func(d []time.Duration, q float64) float64 {
		slices.Sort(d)
		return float64(d[int(q*float64(len(d)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(want), "msgs-each-way")
	b.ReportMetric(p(lt.opLat, 0.5), "p50-to-operator-ms")
	b.ReportMetric(p(lt.opLat, 0.99), "p99-to-operator-ms")
	b.ReportMetric(p(lt.citLat, 0.5), "p50-to-citizen-ms")
	b.ReportMetric(p(lt.citLat, 0.99), "p99-to-citizen-ms")
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// loadStats collects latencies and the first failure.
type loadStats struct {
	mu              sync.Mutex
	opLat, citLat   []time.Duration
	toOp, toCitizen atomic.Int64
	first           string
}

func (s *loadStats) fail(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first == "" {
		s.first = msg
	}
}

func (s *loadStats) failure() string { s.mu.Lock(); defer s.mu.Unlock(); return s.first }

func (s *loadStats) add(toOperator bool, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if toOperator {
		s.opLat = append(s.opLat, d)
		s.toOp.Add(1)
	} else {
		s.citLat = append(s.citLat, d)
		s.toCitizen.Add(1)
	}
}

// parseTimed reads "<kind> <index> <unix-nanos>" texts.
func parseTimed(text, kind string) (int, time.Time, bool) {
	f := strings.Fields(text)
	if len(f) != 3 || f[0] != kind {
		return 0, time.Time{}, false
	}
	i, err1 := strconv.Atoi(f[1])
	ns, err2 := strconv.ParseInt(f[2], 10, 64)
	return i, time.Unix(0, ns), err1 == nil && err2 == nil
}

type loadOperator struct {
	name, base, csrf string
	client           *http.Client
	conn             *websocket.Conn
	stats            *loadStats
	chats            map[string]*opChat
}

// opChat is one chat as an operator sees it: the next message expected,
// and a queue of replies sent in order.
type opChat struct {
	next    int
	seen    map[uint64]bool
	replies chan string
}

var loadCSRF = regexp.MustCompile(`(?:name="csrf" value|data-csrf)="([^"]+)"`)

func (o *loadOperator) login() error {
	jar, _ := cookiejar.New(nil)
	o.client = &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	page := func(resp *http.Response, err error) (string, error) {
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		m := loadCSRF.FindSubmatch(b)
		if m == nil {
			return "", fmt.Errorf("no csrf token in %s (%d)", resp.Request.URL.Path, resp.StatusCode)
		}
		return string(m[1]), nil
	}
	tok, err := page(o.client.Get(o.base + "/operatore/login"))
	if err != nil {
		return err
	}
	if o.csrf, err = page(o.client.PostForm(o.base+"/operatore/login", url.Values{"csrf": {tok}, "nome": {o.name}, "password": {"password-di-carico"}})); err != nil {
		return err
	}
	u, _ := url.Parse(o.base + "/operatore/ws")
	hdr := http.Header{"Origin": {o.base}}
	for _, ck := range o.client.Jar.Cookies(u) {
		hdr.Add("Cookie", ck.Name+"="+ck.Value)
	}
	o.conn, _, err = websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(o.base, "http")+"/operatore/ws", &websocket.DialOptions{HTTPHeader: hdr})
	if err == nil {
		o.conn.SetReadLimit(1 << 22)
	}
	return err
}

func (o *loadOperator) run(ctx context.Context, b *testing.B) {
	defer o.conn.CloseNow()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		var f struct {
			Type         string
			Conversation string
			Chat         struct {
				ID       string
				Messages []struct{ Seq uint64 }
			}
			Message struct {
				Seq  uint64
				Role string
				Text string
			}
		}
		if err := wsjson.Read(ctx, o.conn, &f); err != nil {
			if ctx.Err() == nil {
				o.stats.fail(o.name + ": console closed: " + err.Error())
			}
			for _, c := range o.chats {
				close(c.replies)
			}
			return
		}
		switch f.Type {
		case "chat":
			c := o.chats[f.Chat.ID]
			if c == nil {
				c = &opChat{seen: map[uint64]bool{}, replies: make(chan string, 64)}
				o.chats[f.Chat.ID] = c
				wg.Add(1)
				go func(id string) { defer wg.Done(); o.reply(id, c.replies) }(f.Chat.ID)
			}
			for _, m := range f.Chat.Messages {
				c.seen[m.Seq] = true
			}
		case "message":
			c := o.chats[f.Conversation]
			if c == nil || f.Message.Role != "citizen" {
				continue
			}
			if c.seen[f.Message.Seq] {
				o.stats.fail(fmt.Sprintf("%s: message %d of %s delivered twice", o.name, f.Message.Seq, f.Conversation))
				continue
			}
			c.seen[f.Message.Seq] = true
			i, sent, ok := parseTimed(f.Message.Text, "m")
			if !ok {
				continue
			}
			o.stats.add(true, time.Since(sent))
			if i != c.next {
				o.stats.fail(fmt.Sprintf("%s: in %s got message %d, expected %d", o.name, f.Conversation, i, c.next))
			}
			c.next = i + 1
			c.replies <- strconv.Itoa(i)
		}
	}
}

// reply answers a chat's messages one at a time, in order.
func (o *loadOperator) reply(id string, in <-chan string) {
	for i := range in {
		body := fmt.Sprintf(`{"text":"r %s %d","client_id":"r-%s"}`, i, time.Now().UnixNano(), i)
		req, _ := http.NewRequest("POST", o.base+"/operatore/api/chats/"+id+"/messages", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", o.csrf)
		resp, err := o.client.Do(req)
		if err != nil {
			o.stats.fail(o.name + ": reply: " + err.Error())
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			o.stats.fail(fmt.Sprintf("%s: reply in %s: status %d", o.name, id, resp.StatusCode))
		}
	}
}

type loadCitizen struct {
	base      string
	n         int
	every     time.Duration
	stats     *loadStats
	id, token string
	conn      *websocket.Conn
}

func (c *loadCitizen) open(ctx context.Context) error {
	resp, err := http.Post(c.base+"/api/v1/conversations", "application/json", nil)
	if err != nil {
		return err
	}
	var v struct{ ID, Token string }
	err = jsonDecode(resp, &v)
	if err != nil {
		return err
	}
	c.id, c.token = v.ID, v.Token
	c.conn, _, err = websocket.Dial(ctx, "ws"+strings.TrimPrefix(c.base, "http")+"/api/v1/conversations/"+c.id+"/ws?token="+c.token, nil)
	if err != nil {
		return err
	}
	req, _ := http.NewRequest("POST", c.base+"/api/v1/conversations/"+c.id+"/operator", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("ask for an operator: %d", resp.StatusCode)
	}
	return nil
}

// run waits for the operator, then sends its messages on a timer while
// reading the replies.
func (c *loadCitizen) run(ctx context.Context, idx int) error {
	defer c.conn.CloseNow()
	joined := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		next, once := 0, sync.Once{}
		seen := map[uint64]bool{}
		for next < c.n {
			var f struct {
				Type    string
				Message struct {
					Seq  uint64
					Role string
					Text string
				}
			}
			if err := wsjson.Read(ctx, c.conn, &f); err != nil {
				errc <- err
				return
			}
			if f.Type != "message" {
				continue
			}
			if seen[f.Message.Seq] {
				errc <- fmt.Errorf("message %d delivered twice", f.Message.Seq)
				return
			}
			seen[f.Message.Seq] = true
			if f.Message.Role == "system" && strings.Contains(f.Message.Text, "si è unito") {
				once.Do(func() { close(joined) })
			}
			if i, sent, ok := parseTimed(f.Message.Text, "r"); ok && f.Message.Role == "operator" {
				c.stats.add(false, time.Since(sent))
				if i != next {
					errc <- fmt.Errorf("got reply %d, expected %d", i, next)
					return
				}
				next++
			}
		}
		errc <- nil
	}()
	select {
	case <-joined:
	case err := <-errc:
		return fmt.Errorf("before an operator joined: %v", err)
	}
	// Spread the first sends over one interval so that 500 citizens do
	// not all type in the same millisecond.
	time.Sleep(time.Duration(idx%100) * c.every / 100)
	for i := range c.n {
		frame := map[string]string{"type": "send", "text": fmt.Sprintf("m %d %d", i, time.Now().UnixNano()), "client_id": fmt.Sprintf("m-%d", i)}
		if err := wsjson.Write(ctx, c.conn, frame); err != nil {
			return err
		}
		time.Sleep(c.every)
	}
	return <-errc
}

func jsonDecode(resp *http.Response, v any) error {
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}
