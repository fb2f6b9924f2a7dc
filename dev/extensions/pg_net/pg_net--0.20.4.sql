-- unit-economics stand-in for pg_net 0.20.4 (supabase/pg_net), for local PostgreSQL without it.
--
-- The schema, tables, types and functions have the names, columns and signatures of the real
-- extension's sql/pg_net.sql, and the public functions queue their request exactly as it does.
-- The difference lives in net.wake(): where pg_net wakes its background worker, which sends the
-- queue after COMMIT, the stand-in sends every queued request itself, there and then, with PL/Perl
-- (plperlu) and Perl's core HTTP::Tiny, and writes the response row before the call returns.
-- Every behavioural difference is listed in dev/extensions/README.md.

\echo Use "CREATE EXTENSION pg_net" to load this file. \quit

create schema if not exists net;

create domain net.http_method as text
check (value ilike 'get' or value ilike 'post' or value ilike 'delete');

-- Requests not sent yet. API: Private
create unlogged table net.http_request_queue (
  id bigserial,
  method net.http_method not null,
  url text not null,
  headers jsonb,
  body bytea,
  timeout_milliseconds int not null
);

-- One row per finished request; id is the request id. API: Private
create unlogged table net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out bool,
  error_msg text,
  created timestamptz not null default now()
);

create index on net._http_response (created);

-- Lifecycle states of a request. API: Public
create type net.request_status as enum ('PENDING', 'SUCCESS', 'ERROR');

-- A response from an HTTP server. API: Public
create type net.http_response as (
  status_code integer,
  headers jsonb,
  body text
);

-- State wrapper around responses. API: Public
create type net.http_response_result as (
  status net.request_status,
  message text,
  response net.http_response
);

create function net.check_worker_is_up()
returns void
language plpgsql
as $$
begin
  -- There is no background worker to be down: the calling backend sends the requests itself.
  return;
end
$$;

comment on function net.check_worker_is_up() is
  'raises an exception if the pg_net background worker is not up, otherwise it doesn''t return anything';

-- Waits until the response of request_id exists, polling every 50 ms. API: Private
create function net._await_response(request_id bigint)
returns bool
language plpgsql
as $$
begin
  while not exists (select from net._http_response r where r.id = _await_response.request_id) loop
    perform pg_sleep(0.05);
  end loop;
  return true;
end
$$;

-- Percent-encodes everything but RFC 3986's unreserved characters, as curl_escape does.
-- API: Private
create function net._urlencode_string(string varchar)
returns text
language plperlu
immutable
as $perl$
  my ($string) = @_;
  return undef unless defined $string;
  utf8::encode($string);
  $string =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge;
  return $string;
$perl$;

-- Appends the (already encoded) key=value pairs to the URL's query, as curl's URL API does with
-- CURLU_APPENDQUERY; a URL that it cannot parse is an error at call time. API: Private
create function net._encode_url_with_params_array(url text, params_array text[])
returns text
language plperlu
immutable
as $perl$
  my ($url, $params) = @_;
  return undef unless defined $url;
  my $malformed = 'URL using bad/illegal format or missing URL';
  elog(ERROR, "$malformed\n") if $url =~ /[\x00-\x20\x7f]/;
  my ($scheme, $authority, $path, $query, $fragment) =
    $url =~ m{\A([A-Za-z][A-Za-z0-9+.\-]*)://([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?\z}s;
  elog(ERROR, "$malformed\n") unless defined $scheme && length $authority;
  my @params = grep { defined } @{ $params // [] };
  my @query = grep { defined && length } ($query, @params);
  return lc($scheme) . '://' . $authority . (length $path ? $path : '/')
    . (@query ? '?' . join('&', @query) : '')
    . (defined $fragment ? "#$fragment" : '');
$perl$;

create function net.worker_restart()
returns bool
language plpgsql
as $$
begin
  -- No background worker: nothing to restart.
  return true;
end
$$;

create function net.wait_until_running()
returns void
language plpgsql
as $$
begin
  -- No background worker: requests are sent by the calling backend, so it is always "running".
  return;
end
$$;

comment on function net.wait_until_running() is 'waits until the worker is running';

-- Sends every queued request that this transaction can see and records its response in
-- net._http_response (the real net.wake() only signals the background worker). Also deletes
-- responses older than pg_net.ttl (default 6 hours), at most pg_net.batch_size (200) at a time.
create function net.wake()
returns void
language plperlu
as $perl$
  use strict;
  use warnings;
  use Encode ();
  use HTTP::Tiny ();
  use JSON::PP ();
  use Time::HiRes ();

  spi_exec_query(q{
    with expired as (
      select ctid from net._http_response
      where created < now() - coalesce(nullif(current_setting('pg_net.ttl', true), ''), '6 hours')::interval
      order by created
      limit coalesce(nullif(current_setting('pg_net.batch_size', true), ''), '200')::int
    )
    delete from net._http_response r using expired where r.ctid = expired.ctid
  });

  my $version = spi_exec_query(
    q{select extversion from pg_catalog.pg_extension where extname = 'pg_net'}
  )->{rows}[0]{extversion} // 'stand-in';

  my $queue = spi_exec_query(q{
    with picked as (
      select id from net.http_request_queue order by id for update skip locked
    )
    delete from net.http_request_queue q using picked where q.id = picked.id
    returning q.id, q.method::text as method, q.url, q.timeout_milliseconds,
      (q.headers is null) as no_headers,
      array(select key || ': ' || value from jsonb_each_text(q.headers)) as headers,
      encode(q.body, 'hex') as body
  });
  return unless $queue->{processed};

  my $json = JSON::PP->new->canonical;

  # curl's words (curl_easy_strerror) for what HTTP::Tiny reports as a 599 "Internal Exception".
  my $curl_error = sub {
    my ($message) = @_;
    return "Couldn't resolve host name"
      if $message =~ /^Could not connect to .*(?:not known|No address associated|name resolution|nodename nor servname|does not resolve)/i;
    return "Couldn't connect to server" if $message =~ /^Could not connect to /;
    return 'Unsupported protocol' if $message =~ /^Unsupported URL scheme/;
    return 'SSL peer certificate or SSH remote key was not OK'
      if $message =~ /^SSL connection failed.*certificate verify failed/i;
    return 'SSL connect error' if $message =~ /^SSL connection failed/;
    return 'Server returned nothing (no headers, no data)'
      if $message =~ /^(?:Unexpected end of stream|Socket closed)/;
    $message =~ s/\s+\z//;
    return $message;
  };

  my $send = sub {
    my ($row) = @_;
    my $timeout_ms = $row->{timeout_milliseconds};
    my $started = Time::HiRes::time();
    my $deadline = $started + $timeout_ms / 1000;
    my $connected_at;
    my $elapsed_ms = sub { (Time::HiRes::time() - $started) * 1000 };

    # Headers from jsonb, as "name: value" lines like the worker's; a CR or LF in one would let
    # it inject other headers, so such a request is not sent.
    # HTTP::Tiny keys headers by lower-cased name: names that differ only in case share a key,
    # whose value lists them all, so that each is still sent (under the first one's spelling).
    my (%values, %spelling);
    for my $line (@{ $row->{headers} // [] }) {
      next unless defined $line;
      my ($name, $value) = $line =~ /\A(.*?): (.*)\z/s;
      next unless defined $name;
      if ($line =~ /[\r\n]/) {
        (my $shown = $name) =~ s/[\r\n].*//s;
        return { timed_out => 0,
          error_msg => qq{header "$shown" contains a carriage return or line feed} };
      }
      $spelling{lc $name} //= $name;
      push @{ $values{lc $name} }, $value;
    }
    my %headers = map {
      ($spelling{$_} => (@{ $values{$_} } == 1 ? $values{$_}[0] : $values{$_}))
    } keys %values;
    # libcurl's defaults: Accept: */*, and a form content type for a body without one. (A POST
    # without a body gets Content-Length: 0 from HTTP::Tiny, as from libcurl.)
    $headers{'Accept'} = '*/*' unless $values{accept} || $row->{no_headers} eq 't';
    my %args = (headers => \%headers);
    if (defined $row->{body}) {
      $args{content} = pack 'H*', $row->{body};
      $headers{'Content-Type'} = 'application/x-www-form-urlencoded' unless $values{'content-type'};
    }

    # HTTP::Tiny's timeout applies to each socket operation; pg_net's (libcurl's) to the whole
    # request. Every wait is therefore cut to what is left of timeout_milliseconds.
    my $wait = \&HTTP::Tiny::Handle::_do_timeout;
    my $open = \&HTTP::Tiny::_open_handle;
    no warnings 'redefine';
    local *HTTP::Tiny::Handle::_do_timeout = sub {
      my ($handle, $type, $timeout) = @_;
      $timeout = $handle->{timeout} unless defined $timeout && $timeout >= 0;
      my $left = $deadline - Time::HiRes::time();
      return 0 if $left <= 0;
      return $wait->($handle, $type, $timeout > $left ? $left : $timeout);
    };
    local *HTTP::Tiny::_open_handle = sub {
      my ($self, @rest) = @_;
      my $left = $deadline - Time::HiRes::time();
      die "Timed out before connecting\n" if $left <= 0;
      local $self->{timeout} = $left;
      my $handle = $open->($self, @rest);
      $connected_at //= Time::HiRes::time();
      return $handle;
    };

    my $http = HTTP::Tiny->new(
      agent => "pg_net/$version",
      timeout => ($timeout_ms > 0 ? $timeout_ms / 1000 : 0.001),
      max_redirect => 30,
      keep_alive => 0,
      verify_SSL => 1,
    );
    my $response = eval { $http->request(uc $row->{method}, $row->{url}, \%args) }
      // { status => 599, content => ($@ || 'unknown error') };

    if ($response->{status} == 599) {
      my $message = $response->{content} // '';
      return { timed_out => 0, error_msg => $curl_error->($message) }
        unless $message =~ /timed out/i;
      my $total = $elapsed_ms->();
      my $handshake = defined $connected_at ? ($connected_at - $started) * 1000 : $total;
      return {
        timed_out => 1,
        error_msg => sprintf(
          'Timeout of %d ms reached. Total time: %f ms (DNS time: %f ms, '
            . 'TCP/SSL handshake time: %f ms, HTTP Request/Response time: %f ms)',
          $timeout_ms, $total, 0, $handshake, $total - $handshake),
      };
    }

    my (%response_headers, $content_type);
    for my $name (keys %{ $response->{headers} }) {
      my $value = $response->{headers}{$name};
      my @values = ref $value eq 'ARRAY' ? @$value : ($value);
      $response_headers{$name} = Encode::decode('UTF-8', $values[-1]);
      $content_type = Encode::decode('UTF-8', $values[0]) if $name eq 'content-type';
    }
    my $content = $response->{content} // '';
    $content =~ s/\0.*\z//s;  # the worker keeps the body as a C string
    return {
      status_code => $response->{status},
      content_type => $content_type,
      headers => $json->encode(\%response_headers),
      content => (length $content ? Encode::decode('UTF-8', $content) : undef),
      timed_out => 0,
    };
  };

  my $insert = spi_prepare(
    q{insert into net._http_response
        (id, status_code, content_type, headers, content, timed_out, error_msg)
      values ($1, $2, $3, $4::jsonb, $5, $6, $7)},
    'bigint', 'integer', 'text', 'text', 'text', 'boolean', 'text');
  for my $row (sort { $a->{id} <=> $b->{id} } @{ $queue->{rows} }) {
    my $r = $send->($row);
    spi_exec_prepared($insert, $row->{id}, $r->{status_code}, $r->{content_type},
      $r->{headers}, $r->{content}, ($r->{timed_out} ? 't' : 'f'), $r->{error_msg});
  }
  spi_freeplan($insert);
  return;
$perl$;

-- Queues a GET request (sent at once by net.wake()); returns its id. API: Public
create function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds int default 5000
)
returns bigint
language plpgsql
as $$
declare
  request_id bigint;
begin
  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  select
    'GET',
    net._encode_url_with_params_array(
      http_get.url,
      coalesce(array_agg(net._urlencode_string(p.key) || '=' || net._urlencode_string(p.value)), '{}')
    ),
    http_get.headers,
    http_get.timeout_milliseconds
  from jsonb_each_text(http_get.params) as p
  returning id into request_id;

  perform net.wake();
  return request_id;
end
$$;

-- Queues a POST request with a JSON body (sent at once by net.wake()); returns its id.
-- API: Public
create function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds int default 5000
)
returns bigint
language plpgsql
as $$
declare
  request_id bigint;
  content_type text;
begin
  select h.value into content_type
  from jsonb_each_text(coalesce(http_post.headers, '{}'::jsonb)) as h
  where lower(h.key) = 'content-type'
  limit 1;

  if content_type is null then
    http_post.headers := http_post.headers || '{"Content-Type": "application/json"}'::jsonb;
  elsif content_type <> 'application/json' then
    raise exception 'Content-Type header must be "application/json"';
  end if;

  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  select
    'POST',
    net._encode_url_with_params_array(
      http_post.url,
      coalesce(array_agg(net._urlencode_string(p.key) || '=' || net._urlencode_string(p.value)), '{}')
    ),
    http_post.headers,
    convert_to(http_post.body::text, 'UTF8'),
    http_post.timeout_milliseconds
  from jsonb_each_text(http_post.params) as p
  returning id into request_id;

  perform net.wake();
  return request_id;
end
$$;

-- Queues a DELETE request, with an optional JSON body (sent at once by net.wake()); returns its
-- id. API: Public
create function net.http_delete(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds int default 5000,
  body jsonb default null
)
returns bigint
language plpgsql
as $$
declare
  request_id bigint;
begin
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  select
    'DELETE',
    net._encode_url_with_params_array(
      http_delete.url,
      coalesce(array_agg(net._urlencode_string(p.key) || '=' || net._urlencode_string(p.value)), '{}')
    ),
    http_delete.headers,
    convert_to(http_delete.body::text, 'UTF8'),
    http_delete.timeout_milliseconds
  from jsonb_each_text(http_delete.params) as p
  returning id into request_id;

  perform net.wake();
  return request_id;
end
$$;

-- The response of a request, wrapped in a result: ERROR when it failed or is unknown (pending and
-- unknown look alike), SUCCESS otherwise; async := false waits for it. API: Private
create function net._http_collect_response(
  request_id bigint,
  async bool default true
)
returns net.http_response_result
language plpgsql
as $$
declare
  rec net._http_response;
begin
  if not async then
    perform net._await_response(request_id);
  end if;

  select * into rec from net._http_response r where r.id = _http_collect_response.request_id;

  if not found or rec.error_msg is not null then
    return (
      'ERROR',
      coalesce(rec.error_msg, 'request matching request_id not found'),
      null
    )::net.http_response_result;
  end if;

  return (
    'SUCCESS',
    'ok',
    (rec.status_code, rec.headers, rec.content)::net.http_response
  )::net.http_response_result;
end
$$;

-- Deprecated in pg_net, and broken there: it fails with "query has no destination for result
-- data". The stand-in keeps it as it is, so that nothing comes to depend on it locally.
create function net.http_collect_response(
  request_id bigint,
  async bool default true
)
returns net.http_response_result
language plpgsql
as $$
begin
  raise notice 'The net.http_collect_response function is deprecated.';
  select net._http_collect_response(request_id, async);
end
$$;

grant usage on schema net to public;
grant all on all sequences in schema net to public;
grant all on all tables in schema net to public;
