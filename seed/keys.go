package seed

import _ "embed"

// TwiplaTestPrivateKeyPEM is the built-in TWIPLA INTP signing key (PKCS#1
// PEM). TEST ONLY: its private half is public in this repository; it exists
// so that tests can sign INTP tokens the emulator accepts, and it must never
// protect anything real.
//
//go:embed twipla/intp-test-key.pem
var TwiplaTestPrivateKeyPEM []byte

// TwiplaTestPublicKeyPEM is the public half of TwiplaTestPrivateKeyPEM (PKIX PEM).
//
//go:embed twipla/intp-test-key.pub
var TwiplaTestPublicKeyPEM []byte
