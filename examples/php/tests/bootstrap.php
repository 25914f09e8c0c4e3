<?php
// vendoremu for PHPUnit with plain curl. The emulator runs beside the tests
// (docker compose, a CI service container, or `emulator` in a terminal);
// VENDOREMU_URL points at it.

declare(strict_types=1);

const VENDOREMU_DEFAULT_URL = 'http://127.0.0.1:8080';

function vendoremuUrl(): string
{
    return rtrim(getenv('VENDOREMU_URL') ?: VENDOREMU_DEFAULT_URL, '/');
}

/** One request with curl; returns [status, body]. */
function httpRequest(string $method, string $url, ?string $body = null, array $headers = []): array
{
    $ch = curl_init($url);
    curl_setopt_array($ch, [
        CURLOPT_CUSTOMREQUEST => $method,
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_HTTPHEADER => $headers,
        CURLOPT_TIMEOUT => 10,
    ]);
    if ($body !== null) {
        curl_setopt($ch, CURLOPT_POSTFIELDS, $body);
    }
    $answer = curl_exec($ch);
    if ($answer === false) {
        throw new RuntimeException("$method $url: " . curl_error($ch));
    }
    $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    curl_close($ch);
    return [$status, $answer];
}

/** Calls the control plane; returns its JSON answer as an array. */
function vendoremu(string $method, string $path, array $body = []): array
{
    [$status, $answer] = httpRequest($method, vendoremuUrl() . '/_emulator' . $path, json_encode((object) $body));
    if ($status >= 300) {
        throw new RuntimeException("$method /_emulator$path: $status $answer");
    }
    return json_decode($answer ?: '{}', true);
}
