// Writes expected.json: js-yaml's dump of each case in cases.json, as pulumi-eks v4.3.0 writes aws-auth's
// mapRoles and mapUsers (nodejs/eks/cluster/authenticationMode.ts, createAwsAuthData). Run again after
// moving pulumi-eks to a version whose lock file takes another js-yaml:
//   npm install --no-save js-yaml@4.2.0 && node generate.js
'use strict'
const fs = require('fs')
const path = require('path')
const jsyaml = require('js-yaml')
const cases = JSON.parse(fs.readFileSync(path.join(__dirname, 'cases.json'), 'utf8'))
const expected = cases.map((c) => ({
  name: c.name,
  mapRoles: jsyaml.dump(c.roles.map((m) => ({ rolearn: m.arn, username: m.username, groups: m.groups }))),
  mapUsers: jsyaml.dump(c.users.map((m) => ({ userarn: m.arn, username: m.username, groups: m.groups })))
}))
fs.writeFileSync(path.join(__dirname, 'expected.json'), JSON.stringify({ jsYaml: require('js-yaml/package.json').version, cases: expected }, null, 2) + '\n')
