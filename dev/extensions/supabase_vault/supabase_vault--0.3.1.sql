-- unit-economics stand-in for supabase_vault 0.3.1 (supabase/vault), for local PostgreSQL
-- without it.
--
-- The table, view and functions have the names, columns and signatures of the real extension's
-- sql/supabase_vault--0.3.0.sql (0.3.1 changed no SQL). The real one encrypts with libsodium
-- (deterministic XChaCha20 AEAD) under a root key that lives outside the database; the stand-in
-- builds the same kind of deterministic AEAD from pgcrypto (HMAC-SHA-256 as the synthetic IV and
-- tag, AES-256-CBC for the text) under a random 32-byte key kept in vault._stand_in_root_key,
-- which only the extension's owner can read. Differences: dev/extensions/README.md.

\echo Use "CREATE EXTENSION supabase_vault" to load this file. \quit

-- The root key (in Supabase: the server's pgsodium root key, never in a table). API: Private
create table vault._stand_in_root_key (
  singleton boolean primary key default true check (singleton),
  key bytea not null check (length(key) = 32)
);

comment on table vault._stand_in_root_key is
  'Stand-in only: the key that vault secrets are encrypted under. Not dumped: a restore elsewhere cannot decrypt, as with a different pgsodium root key.';

revoke all on vault._stand_in_root_key from public;

-- pgcrypto's schema is known only now (PostgreSQL 15 has no @extschema:pgcrypto@).
do $install$
declare
  crypto text := (
    select pg_catalog.quote_ident(n.nspname)
    from pg_catalog.pg_extension e
    join pg_catalog.pg_namespace n on n.oid = e.extnamespace
    where e.extname = 'pgcrypto'
  );
begin
  execute pg_catalog.format(
    'insert into vault._stand_in_root_key (key) values (%s.gen_random_bytes(32))', crypto);

  execute pg_catalog.format($fmt$
    create function vault._crypto_aead_det_encrypt(
      message bytea,
      additional bytea,
      key_id bigint,
      context bytea = 'pgsodium',
      nonce bytea = NULL
    )
    returns bytea
    language plpgsql
    immutable
    security definer
    set search_path = ''
    as $body$
    declare
      key bytea;
      tag bytea;
    begin
      if message is null then
        raise exception 'pgsodium_crypto_aead_det_encrypt_by_id: message cannot be NULL';
      elsif key_id is null then
        raise exception 'pgsodium_crypto_aead_det_encrypt_by_id: key id cannot be NULL';
      elsif context is null then
        raise exception 'pgsodium_crypto_aead_det_encrypt_by_id: key context cannot be NULL';
      elsif nonce is not null and length(nonce) <> 16 then
        raise exception 'pgsodium_crypto_aead_det_encrypt_by_id: invalid nonce';
      end if;
      key := %1$s.hmac(context || int8send(key_id), (select k.key from vault._stand_in_root_key k), 'sha256');
      tag := %1$s.hmac(
        int4send(coalesce(length(nonce), -1)) || coalesce(nonce, '') ||
          int4send(coalesce(length(additional), -1)) || coalesce(additional, '') || message,
        %1$s.hmac('\x01'::bytea, key, 'sha256'),
        'sha256');
      return tag || %1$s.encrypt_iv(
        message, %1$s.hmac('\x02'::bytea, key, 'sha256'), substring(tag from 1 for 16),
        'aes-cbc/pad:pkcs');
    end
    $body$
  $fmt$, crypto);

  execute pg_catalog.format($fmt$
    create function vault._crypto_aead_det_decrypt(
      message bytea,
      additional bytea,
      key_id bigint,
      context bytea = 'pgsodium',
      nonce bytea = NULL
    )
    returns bytea
    language plpgsql
    immutable
    security definer
    set search_path = ''
    as $body$
    declare
      key bytea;
      tag bytea;
      plain bytea;
    begin
      if message is null then
        raise exception 'pgsodium_crypto_aead_det_decrypt_by_id: message cannot be NULL';
      elsif key_id is null then
        raise exception 'pgsodium_crypto_aead_det_decrypt_by_id: key id cannot be NULL';
      elsif context is null then
        raise exception 'pgsodium_crypto_aead_det_decrypt_by_id: key context cannot be NULL';
      elsif nonce is not null and length(nonce) <> 16 then
        raise exception 'pgsodium_crypto_aead_det_decrypt_by_id: invalid nonce';
      elsif length(message) < 48 then
        raise exception 'pgsodium_crypto_aead_det_decrypt_by_id: invalid message';
      end if;
      key := %1$s.hmac(context || int8send(key_id), (select k.key from vault._stand_in_root_key k), 'sha256');
      tag := substring(message from 1 for 32);
      begin
        plain := %1$s.decrypt_iv(
          substring(message from 33), %1$s.hmac('\x02'::bytea, key, 'sha256'),
          substring(tag from 1 for 16), 'aes-cbc/pad:pkcs');
      exception when others then
        plain := null;
      end;
      if plain is null or tag <> %1$s.hmac(
        int4send(coalesce(length(nonce), -1)) || coalesce(nonce, '') ||
          int4send(coalesce(length(additional), -1)) || coalesce(additional, '') || plain,
        %1$s.hmac('\x01'::bytea, key, 'sha256'),
        'sha256')
      then
        raise exception 'pgsodium_crypto_aead_det_decrypt_by_id: invalid ciphertext';
      end if;
      return plain;
    end
    $body$
  $fmt$, crypto);

  execute pg_catalog.format($fmt$
    create function vault._crypto_aead_det_noncegen()
    returns bytea
    language sql
    immutable
    set search_path = ''
    as $body$ select %1$s.gen_random_bytes(16) $body$
  $fmt$, crypto);
end
$install$;

create table vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea default vault._crypto_aead_det_noncegen(),
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz not null default current_timestamp
);

comment on table vault.secrets is
  'Table with encrypted `secret` column for storing sensitive information on disk.';

create unique index on vault.secrets using btree (name) where name is not null;

create view vault.decrypted_secrets as
select
  s.id,
  s.name,
  s.description,
  s.secret,
  convert_from(
    vault._crypto_aead_det_decrypt(
      message := decode(s.secret, 'base64'::text),
      additional := convert_to(s.id::text, 'utf8'),
      key_id := 0,
      context := 'pgsodium'::bytea,
      nonce := s.nonce
    ),
    'utf8'::name
  ) as decrypted_secret,
  s.key_id,
  s.nonce,
  s.created_at,
  s.updated_at
from vault.secrets s;

create function vault.create_secret(
  new_secret text,
  new_name text = NULL,
  new_description text = '',
  -- unused, as in the real one
  new_key_id uuid = NULL
)
returns uuid
security definer
language plpgsql
set search_path = ''
as $$
declare
  -- Known before the row exists, so the plaintext is never written, not even for a moment.
  secret_id uuid := gen_random_uuid();
  secret_nonce bytea := vault._crypto_aead_det_noncegen();
begin
  insert into vault.secrets (id, secret, name, description, nonce)
  values (
    secret_id,
    encode(vault._crypto_aead_det_encrypt(
      message := convert_to(new_secret, 'utf8'),
      additional := convert_to(secret_id::text, 'utf8'),
      key_id := 0,
      context := 'pgsodium'::bytea,
      nonce := secret_nonce
    ), 'base64'),
    new_name,
    new_description,
    secret_nonce
  );
  return secret_id;
end
$$;

create function vault.update_secret(
  secret_id uuid,
  new_secret text = NULL,
  new_name text = NULL,
  new_description text = NULL,
  -- unused, as in the real one
  new_key_id uuid = NULL
)
returns void
security definer
language plpgsql
set search_path = ''
as $$
declare
  -- As in the real one: a secret that cannot be decrypted cannot be updated either.
  current_secret text := (select d.decrypted_secret from vault.decrypted_secrets d where d.id = secret_id);
begin
  update vault.secrets s
  set
    secret = case when new_secret is null then s.secret
                  else encode(vault._crypto_aead_det_encrypt(
                    message := convert_to(new_secret, 'utf8'),
                    additional := convert_to(s.id::text, 'utf8'),
                    key_id := 0,
                    context := 'pgsodium'::bytea,
                    nonce := s.nonce
                  ), 'base64') end,
    name = coalesce(new_name, s.name),
    description = coalesce(new_description, s.description),
    updated_at = now()
  where s.id = secret_id;
end
$$;

revoke all on function
  vault._crypto_aead_det_encrypt,
  vault._crypto_aead_det_decrypt,
  vault._crypto_aead_det_noncegen,
  vault.create_secret,
  vault.update_secret
from public;

select pg_catalog.pg_extension_config_dump('vault.secrets', '');
