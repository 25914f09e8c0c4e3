package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// seq numbers requests across the whole run, so that every write is new
// (request 0 is the one captured for the bare handler).
var seq atomic.Int64

// load runs clients connections against addr for d, each sending t's
// requests one after another, and returns the throughput and p99. An
// answer with another status than t's is an error: a fast wrong answer
// measures nothing.
func load(addr string, t *target, clients int, d time.Duration) (result, error) {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		lat  []time.Duration
		errs []error
	)
	stop := time.Now().Add(d)
	cpu0 := cpuTime()
	began := time.Now()
	for range clients {
		wg.Add(1)
		go pprof.Do(context.Background(), pprof.Labels("side", "client"), func(context.Context) {
			defer wg.Done()
			own, err := client(addr, t, stop)
			mu.Lock()
			lat = append(lat, own...)
			if err != nil {
				errs = append(errs, err)
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	cpu := cpuTime() - cpu0
	if len(errs) > 0 {
		return result{}, errors.Join(errs...)
	}
	slices.Sort(lat)
	return result{
		rps: float64(len(lat)) / elapsed.Seconds(),
		p99: percentile(lat, 0.99),
		cpu: cpu / time.Duration(max(len(lat), 1)),
	}, nil
}

// cpuTime is the CPU time the process has used (user and system). Per
// request, it is a steadier figure than throughput on a machine that other
// work shares.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// client is one keep-alive connection sending requests until stop.
func client(addr string, t *target, stop time.Time) ([]time.Duration, error) {
	var lat []time.Duration
	var conn net.Conn
	var br *bufio.Reader
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	var buf bytes.Buffer
	for time.Now().Before(stop) {
		if conn == nil {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				return lat, err
			}
			conn, br = c, bufio.NewReaderSize(c, 64<<10)
		}
		rq := t.request(seq.Add(1))
		buf.Reset()
		writeRequest(&buf, addr, rq)
		start := time.Now()
		if _, err := conn.Write(buf.Bytes()); err != nil {
			return lat, err
		}
		status, keep, err := readResponse(br)
		if err != nil {
			return lat, fmt.Errorf("%s %s: %w", rq.method, rq.path, err)
		}
		lat = append(lat, time.Since(start))
		if status != t.status {
			return lat, fmt.Errorf("%s %s: status %d, want %d", rq.method, rq.path, status, t.status)
		}
		if !keep {
			conn.Close()
			conn = nil
		}
	}
	return lat, nil
}

func writeRequest(buf *bytes.Buffer, addr string, rq request) {
	host := rq.host
	if host == "" {
		host = addr
	}
	buf.WriteString(rq.method + " " + rq.path + " HTTP/1.1\r\nHost: " + host + "\r\n")
	for i := 0; i+1 < len(rq.header); i += 2 {
		buf.WriteString(rq.header[i] + ": " + rq.header[i+1] + "\r\n")
	}
	if rq.body != "" || rq.method == "POST" || rq.method == "PUT" {
		buf.WriteString("Content-Length: " + strconv.Itoa(len(rq.body)) + "\r\n")
	}
	buf.WriteString("\r\n")
	buf.WriteString(rq.body)
}

// readResponse reads one HTTP/1.1 answer whole and reports its status and
// whether the connection stays open.
func readResponse(br *bufio.Reader) (status int, keep bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, false, fmt.Errorf("bad status line %q", line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, fmt.Errorf("bad status line %q", line)
	}
	keep = true
	length, chunked := -1, false
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return 0, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			length, err = strconv.Atoi(string(value))
			if err != nil {
				return 0, false, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case chunked:
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				return 0, false, err
			}
			size, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.SplitN(line, []byte(";"), 2)[0])), 16, 64)
			if err != nil {
				return 0, false, fmt.Errorf("bad chunk size %q", line)
			}
			if _, err := br.Discard(int(size) + 2); err != nil {
				return 0, false, err
			}
			if size == 0 {
				break
			}
		}
	case length >= 0:
		if _, err := br.Discard(length); err != nil {
			return 0, false, err
		}
	default:
		_, err := io.Copy(io.Discard, br)
		return status, false, err
	}
	return status, keep, nil
}
