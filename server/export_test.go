package server

// IdleConns is how many connections of the shared listener the server has
// seen go idle between requests. A client has its answer a moment before
// the server marks the connection idle, so tests of the connection cap
// wait for this instead of assuming it.
func IdleConns(s *Server) int {
	s.mu.Lock()
	l := s.limiters[""]
	s.mu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.idle)
}
