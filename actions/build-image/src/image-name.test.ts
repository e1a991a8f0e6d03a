import { deployErrorFrom } from "@deploy/core/testing";
import { describe, expect, it } from "vitest";
import { isLoopbackRegistry, parseImageName, registryHost } from "./image-name.ts";

describe("parseImageName", () => {
  it.for([
    ["ghcr.io/acme/shop", "ghcr.io", "acme/shop"],
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "shop"],
    ["127.0.0.1:5000/acme/shop", "127.0.0.1:5000", "acme/shop"],
    ["localhost/shop", "localhost", "shop"],
    ["localhost:5000/a/b/c", "localhost:5000", "a/b/c"],
    ["[::1]:5000/shop", "[::1]:5000", "shop"],
    ["GHCR.IO/acme/shop", "ghcr.io", "acme/shop"],
    ["acme/shop", "docker.io", "acme/shop"],
    ["nginx", "docker.io", "library/nginx"],
    ["docker.io/nginx", "docker.io", "library/nginx"],
    ["index.docker.io/acme/shop", "docker.io", "acme/shop"],
    ["ghcr.io/acme/my_app.web--x__y", "ghcr.io", "acme/my_app.web--x__y"],
    ["  ghcr.io/acme/shop\n", "ghcr.io", "acme/shop"],
  ] as const)("reads %s as registry %s and repository %s", ([value, registry, repository]) => {
    expect(parseImageName(value)).toEqual({ registry, repository, name: `${registry}/${repository}` });
  });

  it.for([
    ["ghcr.io/acme/shop:v1", "has a tag", 'Remove the tag ":v1"'],
    ["127.0.0.1:5000/shop:latest", "has a tag", 'Remove the tag ":latest"'],
    ["nginx:1.27", "has a tag", 'Remove the tag ":1.27"'],
    ["ghcr.io/acme/shop@sha256:abc", "has a digest", 'Remove the digest "@sha256:abc"'],
    ["ghcr.io/acme/Shop", "has capital letters", '"acme/shop"'],
    ["https://ghcr.io/acme/shop", "starts with a URL scheme", 'Remove "https://"'],
    ["ghcr.io/acme//shop", "has an empty path segment", 'extra "/"'],
    ["ghcr.io/acme/shop/", "has an empty path segment", 'extra "/"'],
    ["ghcr.io/", "has no repository", '"ghcr.io/acme/shop"'],
    ["ghcr.io", "has no repository", '"ghcr.io/acme/shop"'],
    ["ghcr.io/-shop", 'has an invalid path segment "-shop"', "lowercase letters and digits"],
    ["ghcr.io/shop_", 'has an invalid path segment "shop_"', "lowercase letters and digits"],
    ["ghcr.io/a...b", 'has an invalid path segment "a...b"', "lowercase letters and digits"],
    ["ghcr.io/a___b", 'has an invalid path segment "a___b"', "lowercase letters and digits"],
    ["ghcr.io/acme/sh!op", 'has an invalid path segment "sh!op"', "lowercase letters and digits"],
    ["-ghcr.io/shop", 'registry host "-ghcr.io"', '"127.0.0.1:5000"'],
    ["ghcr.io:port/shop", 'registry host "ghcr.io:port"', '"127.0.0.1:5000"'],
    ["ghcr.io/acme shop", "contains white space", '"ghcr.io/acme/shop"'],
    ["", "is empty", '"ghcr.io/acme/shop"'],
    [`ghcr.io/${"a".repeat(250)}`, "is longer than 255 characters", "shorter"],
  ] as const)("refuses %j: %s", ([value, problem, fix]) => {
    const error = deployErrorFrom(() => parseImageName(value));
    expect(error.input).toBe("image");
    expect(error.what).toContain('Input "image"');
    expect(error.what).toContain(problem);
    expect(error.why).toBe(`Got "${value.trim()}".`);
    expect(error.fix).toContain(fix);
  });

  it("names the input it is given", () => {
    const error = deployErrorFrom(() => parseImageName("x:1", "cache-image"));
    expect(error.input).toBe("cache-image");
    expect(error.what).toBe('Input "cache-image" has a tag.');
  });
});

describe("isLoopbackRegistry", () => {
  it.for([
    ["localhost", true],
    ["localhost:5000", true],
    ["127.0.0.1:5000", true],
    ["127.1.2.3", true],
    ["[::1]:5000", true],
    ["ghcr.io", false],
    ["128.0.0.1:5000", false],
    ["127.0.0.1.example.com", false],
    ["localhost.example.com:5000", false],
    ["10.0.0.1:5000", false],
  ] as const)("%s: %s", ([registry, loopback]) => {
    expect(isLoopbackRegistry(registry)).toBe(loopback);
  });
});

describe("registryHost", () => {
  it("drops the port and the brackets of an IPv6 address", () => {
    expect(registryHost("127.0.0.1:5000")).toBe("127.0.0.1");
    expect(registryHost("[::1]:5000")).toBe("::1");
    expect(registryHost("ghcr.io")).toBe("ghcr.io");
  });
});
