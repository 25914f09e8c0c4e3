<?php
declare(strict_types=1);

use PHPUnit\Framework\TestCase;

/** The Keitaro Admin API with plain curl, as a PHP integration sends it. */
final class KeitaroTest extends TestCase
{
    private string $apiKey;

    protected function setUp(): void
    {
        $this->apiKey = vendoremu('POST', '/keitaro/tenants')['apiKey'];
    }

    protected function tearDown(): void
    {
        vendoremu('POST', '/reset?vendor=keitaro&tenant=' . $this->apiKey);
    }

    private function keitaro(string $method, string $path, ?array $body = null): array
    {
        [$status, $answer] = httpRequest($method, vendoremuUrl() . '/keitaro/admin_api/v1' . $path,
            $body === null ? null : json_encode($body), ["Api-Key: {$this->apiKey}"]);
        return [$status, json_decode($answer, true)];
    }

    public function testCreateAndReadACampaign(): void
    {
        [$status, $campaign] = $this->keitaro('POST', '/campaigns', ['alias' => 'spring', 'name' => 'Spring sale']);
        $this->assertSame(200, $status);

        [, $read] = $this->keitaro('GET', "/campaigns/{$campaign['id']}");
        $this->assertSame('Spring sale', $read['name']);
    }

    public function testValidationFailsAsKeitaroFails(): void
    {
        [$status, $errors] = $this->keitaro('POST', '/campaigns', ['name' => 'No alias']);
        $this->assertSame([406, ['alias' => ['This field is required']]], [$status, $errors]);
    }
}
