package server_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
)

// BenchmarkSoak is the abuse the reliability probe measured, against the
// default limits and all five vendors: 1,000 unauthenticated requests with
// 60 KiB of headers each (all journaled), then 10,000 kept-alive connections
// left idle, then a health check. It reports the process's peak resident
// memory (VmHWM: the server and these clients together) and how many
// connections the server holds open at the end.
//
//	go test -run='^$' -bench=Soak -benchtime=1x ./server
func BenchmarkSoak(b *testing.B) {
	for b.Loop() {
		srv := vtest.Start(b, server.Config{Vendors: emulators.All(emulators.Config{})})
		b.ReportMetric(float64(peakRSS(b))/(1<<20), "start-RSS-MB")
		big := strings.Repeat("h", 7<<10)
		var head strings.Builder
		fmt.Fprintf(&head, "GET /keitaro/admin_api/v1/campaigns HTTP/1.1\r\nHost: 127.0.0.1\r\nApi-Key: wrong\r\n")
		for i := range 8 { // 8 × 7 KiB + the rest ≈ 60 KiB
			fmt.Fprintf(&head, "X-Fill-%d: %s\r\n", i, big)
		}
		head.WriteString("X-Pad: " + strings.Repeat("p", 60<<10-head.Len()-40) + "\r\n\r\n")
		request := head.String()
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				conn, err := net.Dial("tcp", srv.Addr())
				if err != nil {
					b.Error(err)
					return
				}
				defer conn.Close()
				br := bufio.NewReader(conn)
				for i := w; i < 1000; i += 8 {
					if _, err := io.WriteString(conn, request); err != nil {
						b.Error(err)
						return
					}
					resp, err := http.ReadResponse(br, nil)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusUnauthorized {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(peakRSS(b))/(1<<20), "after-headers-peak-RSS-MB")

		const idle = 10000
		conns := make([]net.Conn, 0, idle)
		for range idle {
			conn, err := net.Dial("tcp", srv.Addr())
			if err != nil {
				b.Fatalf("after %d idle connections: %v", len(conns), err)
			}
			fmt.Fprintf(conn, "GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReaderSize(conn, 512), nil)
			if err != nil {
				b.Fatalf("health on connection %d: %v", len(conns), err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			conns = append(conns, conn)
		}
		if r := srv.Do("GET", "/_emulator/health", nil); r.Status != 200 {
			b.Fatalf("health after the soak: %d", r.Status)
		}
		b.ReportMetric(float64(peakRSS(b))/(1<<20), "peak-RSS-MB")
		b.ReportMetric(float64(srv.Journal().Bytes())/(1<<20), "journal-MB")
		for _, c := range conns {
			c.Close()
		}
	}
}

// peakRSS is the process's high-water resident set size, in bytes.
func peakRSS(b *testing.B) int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}
