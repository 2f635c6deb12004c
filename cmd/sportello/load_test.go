package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// BenchmarkServerMemoryPerIdleWebSocket starts the real binary, opens
// b.N idle conversation WebSockets to it from this process (run with
// -benchtime 5000x) and reports the growth of the server's resident
// memory (VmRSS) per connection, and its goroutines.
func BenchmarkServerMemoryPerIdleWebSocket(b *testing.B) {
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) == nil && rl.Cur < 30000 {
		rl.Cur = min(30000, rl.Max)
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
	}
	bin := buildBinaryB(b)
	cmd, addr := startBinaryB(b, bin, b.TempDir())
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	resp, err := http.Post("http://"+addr+"/api/v1/conversations", "application/json", nil)
	if err != nil {
		b.Fatal(err)
	}
	var c struct{ ID, Token string }
	json.NewDecoder(resp.Body).Decode(&c)
	resp.Body.Close()
	url := "ws://" + addr + "/api/v1/conversations/" + c.ID + "/ws?token=" + c.Token
	ctx := context.Background()
	// Warm up: the first connections pay for pools the rest share.
	warm := make([]*websocket.Conn, 50)
	for i := range warm {
		warm[i], _, err = websocket.Dial(ctx, url, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	time.Sleep(300 * time.Millisecond)
	before := rss(b, cmd.Process.Pid)
	conns := make([]*websocket.Conn, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		conn, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			b.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, conn)
	}
	b.StopTimer()
	time.Sleep(time.Second)
	after := rss(b, cmd.Process.Pid)
	b.ReportMetric(float64(after-before)/float64(b.N), "server-KiB/conn")
	b.ReportMetric(float64(after)/1024, "server-RSS-MiB")
	for _, c := range append(conns, warm...) {
		c.CloseNow()
	}
	runtime.KeepAlive(conns)
}

// rss reads a process's resident memory in KiB.
func rss(b *testing.B, pid int) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			n, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return n
		}
	}
	b.Fatal("no VmRSS")
	return 0
}
