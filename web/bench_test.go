package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/demo"
	"github.com/sportello/sportello/handoff"
	"github.com/sportello/sportello/insights"
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

// BenchmarkStatisticsPageYear renders /statistiche for a year holding
// 1,000,000 synthetic questions: the scan, the figures, the SVG charts
// and the HTML. Target ≤ 1 s.
func BenchmarkStatisticsPageYear(b *testing.B) {
	cs := newTestServerWith(b, Options{}, nil)
	if err := insights.GenerateYear(cs.store, time.Date(2025, 1, 1, 0, 0, 0, 0, handoff.Rome()), 1_000_000); err != nil {
		b.Fatal(err)
	}
	acc := handoff.NewAccounts(cs.store)
	if _, err := acc.AddUser(context.Background(), "capo", "", handoff.StaffAdmin, "password-lunga-1"); err != nil {
		b.Fatal(err)
	}
	_, token, err := acc.Login(context.Background(), "capo", "password-lunga-1")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		req, _ := http.NewRequest("GET", cs.URL+"/statistiche?da=2025-01-01&a=2025-12-31", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), ">1000000</span> domande") {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
