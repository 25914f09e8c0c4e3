<?php
declare(strict_types=1);

use PHPUnit\Framework\TestCase;

/** A signed JustClick call, made the way the vendor's PHP sample makes it. */
final class JustClickTest extends TestCase
{
    private string $login;
    private string $secret;

    /** An account of its own for every test, wiped afterwards. */
    protected function setUp(): void
    {
        $account = vendoremu('POST', '/justclick/tenants');
        [$this->login, $this->secret] = [$account['login'], $account['secret']];
        vendoremu('POST', '/justclick/groups', ['login' => $this->login, 'rass_name' => 'news', 'rass_title' => 'News']);
    }

    protected function tearDown(): void
    {
        vendoremu('POST', '/reset?vendor=justclick&tenant=' . $this->login);
    }

    /** The vendor's GetHash / CheckHash, unchanged. */
    private function call(string $function, array $data, ?string $secret = null): array
    {
        $secret ??= $this->secret;
        $data['hash'] = md5(http_build_query($data) . '::' . $this->login . '::' . $secret);
        [$status, $body] = httpRequest('POST', vendoremuUrl() . "/justclick/u/{$this->login}/api/$function",
            http_build_query($data), ['Content-Type: application/x-www-form-urlencoded']);
        $this->assertSame(200, $status);
        $reply = json_decode($body);
        $this->assertSame(md5("{$reply->error_code}::{$reply->error_text}::{$this->secret}"), $reply->hash,
            'reply hash');
        return (array) $reply;
    }

    public function testSubscribeALead(): void
    {
        $reply = $this->call('AddLeadToGroup', ['rid' => ['news'], 'lead_email' => 'ann@example.com', 'lead_name' => 'Ann']);
        $this->assertSame(0, $reply['error_code']);

        $groups = $this->call('GetLeadGroups', ['email' => 'ann@example.com']);
        $this->assertSame('news', $groups['result'][0]->rass_name);
    }

    public function testAWrongSecretIsAnIncorrectHash(): void
    {
        $data = ['rid' => ['news'], 'lead_email' => 'ann@example.com'];
        $data['hash'] = md5(http_build_query($data) . '::' . $this->login . '::not-the-secret');
        [, $body] = httpRequest('POST', vendoremuUrl() . "/justclick/u/{$this->login}/api/AddLeadToGroup",
            http_build_query($data));
        $this->assertSame([4, 'Incorrect hash'], [json_decode($body)->error_code, json_decode($body)->error_text]);
    }
}
