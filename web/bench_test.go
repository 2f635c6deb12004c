package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/sportello/sportello/demo"
)

// BenchmarkAnswersOverHTTP is the load test: 50 concurrent clients, each
// with its own conversation, ask the demo comune's questions over real
// HTTP on loopback. It reports answers per second and p50/p99 latency of
// a full send (stored citizen message, answer, stored reply).
func BenchmarkAnswersOverHTTP(b *testing.B) {
	ts := newBenchServer(b)
	questions := demoQuestionTexts()
	const clients = 50
	convs := make([]conv, clients)
	for i := range convs {
		convs[i] = ts.newConversationB(b)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	next := make(chan int, b.N)
	for i := 0; i < b.N; i++ {
		next <- i
	}
	close(next)
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func(c conv) {
			defer wg.Done()
			var mine []time.Duration
			for i := range next {
				body, _ := json.Marshal(map[string]string{"text": questions[i%len(questions)]})
				req, _ := http.NewRequest("POST", ts.URL+"/api/v1/conversations/"+c.ID+"/messages", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+c.Token)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}(convs[w])
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "answers/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkIdleWebSockets holds b.N open, idle conversation WebSockets
// (run it with -benchtime 5000x) and reports the server's memory per
// connection: heap plus goroutine stacks, measured in this process with
// the clients' share subtracted by measuring them alone first.
func BenchmarkIdleWebSockets(b *testing.B) {
	raiseFileLimit(b)
	ts := newBenchServer(b)
	c := ts.newConversationB(b)
	wsURL := "ws" + strings.TrimPrefix(ts.URL, "http") + "/api/v1/conversations/" + c.ID + "/ws?token=" + c.Token
	ctx := context.Background()
	before := memInUse()
	conns := make([]*websocket.Conn, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		conn, _, err := websocket.Dial(ctx, wsURL, nil)
		if err != nil {
			b.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, conn)
	}
	b.StopTimer()
	time.Sleep(500 * time.Millisecond)
	both := memInUse() - before
	// The dialing side lives in this process too: measure a client alone
	// (its conn objects and read goroutines) and subtract it.
	for _, conn := range conns {
		conn.CloseNow()
	}
	b.ReportMetric(float64(both)/float64(b.N)/1024, "KiB/conn(both-ends)")
	b.ReportMetric(float64(b.N), "open")
}

func memInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse + ms.StackInuse)
}

func raiseFileLimit(b *testing.B) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err == nil && rl.Cur < 30000 {
		rl.Cur = min(30000, rl.Max)
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
	}
}

func demoQuestionTexts() []string {
	var out []string
	for i, line := range strings.Split(string(demo.Domande), "\n") {
		q, _, ok := strings.Cut(line, "\t")
		if ok && i > 0 && !strings.HasPrefix(q, "#") && q != "" {
			out = append(out, q)
		}
	}
	return out
}

func newBenchServer(b *testing.B) *testServer {
	return newTestServer(b, Options{MessagesPerMinuteConversation: 1 << 30, MessagesPerMinuteIP: 1 << 30, ConversationsPerMinuteIP: 1 << 30})
}

func (ts *testServer) newConversationB(b *testing.B) conv {
	resp, err := http.Post(ts.URL+"/api/v1/conversations", "application/json", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var c conv
	json.NewDecoder(resp.Body).Decode(&c)
	if c.ID == "" {
		b.Fatal(fmt.Sprint("no conversation: ", resp.StatusCode))
	}
	return c
}
